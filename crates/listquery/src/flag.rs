//! Booleans as clients send them, in a query parameter or a `where[i][val]`.

/// `1`, `true`, `yes` → true; `0`, `false`, `no` → false (any case, outer spaces ignored);
/// anything else is not a flag.
pub fn flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
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
}
