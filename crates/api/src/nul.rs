//! No field may hold U+0000. PostgreSQL's text cannot store it, SQLite's C string APIs cut at it,
//! and no sender means one; so a body or query parameter holding one is a 400 that names where,
//! on every route and either store alike, before anything is stored.

use serde_json::Value;

use crate::ApiError;

/// The first place in `value` (a body) holding U+0000, as a path such as `contact.email`.
pub fn nul_in(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => text.contains('\0').then(String::new),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| nul_in(item).map(|at| join(&i.to_string(), &at)))
        }
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                return Some(key.replace('\0', "\\u0000"));
            }
            nul_in(item).map(|at| join(key, &at))
        }),
        _ => None,
    }
}

fn join(key: &str, rest: &str) -> String {
    if rest.is_empty() { key.to_owned() } else { format!("{key}.{rest}") }
}

/// 400 when a body holds U+0000 anywhere.
pub fn check_body(value: &Value) -> Result<(), ApiError> {
    match nul_in(value) {
        None => Ok(()),
        Some(at) if at.is_empty() => Err(refusal("the body")),
        Some(at) => Err(refusal(&format!("the body's field {at}"))),
    }
}

/// 400 when a query parameter's name or value holds U+0000.
pub fn check_query(pairs: &[(String, String)]) -> Result<(), ApiError> {
    match pairs.iter().find(|(name, value)| name.contains('\0') || value.contains('\0')) {
        None => Ok(()),
        Some((name, _)) => Err(refusal(&format!("query parameter {}", name.replace('\0', "\\u0000")))),
    }
}

fn refusal(place: &str) -> ApiError {
    ApiError::bad_request(format!("{place} holds a NUL character (U+0000), which no field may hold; remove it"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn given_a_nul_deep_in_a_body_when_checked_then_its_path_is_named() {
        assert_eq!(nul_in(&json!({ "contact": { "emails": ["a", "b\u{0}"] } })), Some("contact.emails.1".into()));
        assert_eq!(nul_in(&json!({ "a\u{0}": 1 })), Some("a\\u0000".into()));
        assert_eq!(nul_in(&json!({ "title": "fine", "n": 1 })), None);
    }

    #[test]
    fn given_a_nul_in_a_query_value_when_checked_then_the_parameter_is_named() {
        let error = check_query(&[("search".into(), "Y\u{0}".into())]).unwrap_err();
        assert_eq!(error.status.as_u16(), 400);
        assert!(error.message.contains("query parameter search"), "{}", error.message);
        assert!(check_query(&[("search".into(), "ok".into())]).is_ok());
    }
}
