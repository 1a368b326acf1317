//! Query pairs into a typed query struct through `serde_qs`.
//!
//! The pairs arrive decoded (actix's `Query<Vec<(String, String)>>`), possibly repeated. Before
//! `serde_qs` reads them they are put in the shape the routes have always read: the FIRST
//! value of each plain parameter, trimmed, and an empty value as absent. Bracketed keys are
//! left out here; the `where[i][…]` grammar module reads its own.

use serde::de::DeserializeOwned;

use crate::Refusal;

/// The plain parameters (`name=value`, name of letters, digits and `_`) as `T`, whose fields
/// are `Option<String>` named as the client names them.
pub fn plain<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T, Refusal> {
    let mut seen: Vec<&str> = Vec::new();
    let mut canonical = Vec::new();
    for (key, value) in pairs {
        let plain = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !plain || seen.contains(&key.as_str()) {
            continue;
        }
        seen.push(key);
        let value = value.trim();
        if !value.is_empty() {
            canonical.push((key.clone(), value.to_owned()));
        }
    }
    deserialize(&canonical, "query")
}

/// Pairs whose keys are already in `serde_qs`'s grammar (`a`, `a[0][b]`) as `T`; a failure
/// (a bug: callers build the keys) is a refusal of `field`.
pub(crate) fn deserialize<T: DeserializeOwned>(pairs: &[(String, String)], field: &str) -> Result<T, Refusal> {
    let text: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()))
        .collect();
    serde_qs::Config::new(5, true)
        .deserialize_str(&text.join("&"))
        .map_err(|error| Refusal::new(field, error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Listing {
        search: Option<String>,
        order_by: Option<String>,
        limit: Option<String>,
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn given_repeated_parameters_when_read_then_the_first_value_trimmed() {
        let read: Listing =
            plain(&pairs(&[("search", " a+b&c=d%[x] é "), ("search", "second"), ("orderBy", "name")])).unwrap();
        assert_eq!(read, Listing { search: Some("a+b&c=d%[x] é".into()), order_by: Some("name".into()), limit: None });
    }

    #[test]
    fn given_an_empty_first_value_when_read_then_absent_even_if_repeated() {
        let read: Listing =
            plain(&pairs(&[("limit", " "), ("limit", "5"), ("where[0][col]", "id"), ("other", "x")])).unwrap();
        assert_eq!(read, Listing::default());
    }
}
