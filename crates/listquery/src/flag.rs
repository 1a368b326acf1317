//! Booleans as clients send them, in a query parameter or a `where[i][val]`.

use crate::Refusal;

/// `1`, `true`, `yes` → true; `0`, `false`, `no` → false (any case, outer spaces ignored);
/// anything else is not a flag.
pub fn flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// The flag parameter `name` (`None` when absent); refused as "must be true or false".
pub fn flag_parameter(name: &str, text: Option<&str>) -> Result<Option<bool>, Refusal> {
    text.map(|text| flag(text).ok_or_else(|| Refusal::new(name, "must be true or false"))).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_the_spellings_clients_send_when_read_then_each_is_a_flag_or_none() {
        for (text, expected) in [
            ("1", Some(true)),
            ("true", Some(true)),
            (" TRUE ", Some(true)),
            ("yes", Some(true)),
            ("0", Some(false)),
            ("False", Some(false)),
            ("no", Some(false)),
            ("", None),
            ("2", None),
            ("on", None),
        ] {
            assert_eq!(flag(text), expected, "{text:?}");
        }
    }

    #[test]
    fn given_a_flag_parameter_when_not_a_flag_then_refused_by_name() {
        assert_eq!(flag_parameter("minimal", None), Ok(None));
        assert_eq!(flag_parameter("minimal", Some("1")), Ok(Some(true)));
        assert_eq!(flag_parameter("minimal", Some("2")), Err(Refusal::new("minimal", "must be true or false")));
    }
}
