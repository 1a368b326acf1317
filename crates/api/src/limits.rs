//! The bounds every parser of outside input keeps, so that no request can exhaust the stack or
//! the memory of the server: nesting depth, form size, and the range of integer ids.

use domain::ids::MAX_ID;
use serde_json::Value;

use crate::ApiError;

/// The deepest nesting a body may have, counted in containers: `{"a": 1}` is 1 deep,
/// `{"a": [[1]]}` 3 deep, and the form key `a[b][c]` 3 deep. JSON's own parser stops at 128
/// (serde_json's recursion limit); no dealflow or Mautic body comes near 32.
pub const MAX_DEPTH: usize = 32;

/// The most `name=value` pairs a form body or a query string may hold (PHP's `max_input_vars`).
pub const MAX_PAIRS: usize = 1000;

/// How deep a value nests (a scalar is 0), walked without recursion.
pub fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((value, level)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        deepest = deepest.max(level + 1);
        stack.extend(children.map(|child| (child, level + 1)));
    }
    deepest
}

/// 400 when a value nests deeper than [`MAX_DEPTH`].
pub fn check_depth(value: &Value) -> Result<(), ApiError> {
    if depth(value) > MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(())
}

/// The answer to a body nested deeper than [`MAX_DEPTH`].
pub fn too_deep() -> ApiError {
    ApiError::bad_request(format!("the body nests deeper than {MAX_DEPTH} levels; flatten it"))
        .with_details(serde_json::json!({ "max_depth": MAX_DEPTH }))
}

/// What a piece of text given as an id is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdText {
    /// An integer from 1 to [`MAX_ID`].
    Id(u64),
    /// Digits, but not an id any entity can have (0, or beyond [`MAX_ID`]).
    OutOfRange,
    /// Not a whole number at all.
    NotANumber,
}

impl IdText {
    /// Classifies `text` (surrounding spaces ignored).
    pub fn of(text: &str) -> Self {
        let text = text.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Self::NotANumber;
        }
        match text.parse::<u64>() {
            Ok(id) if (1..=MAX_ID).contains(&id) => Self::Id(id),
            _ => Self::OutOfRange,
        }
    }
}

/// Whether `text` is a whole number greater than [`MAX_ID`] (ids and log positions never are).
pub fn beyond_max(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && text.parse::<u64>().ok().is_none_or(|n| n > MAX_ID)
}

/// The message for an id out of range.
pub fn out_of_range(text: &str) -> String {
    format!("{} is out of range: ids run from 1 to {MAX_ID}", text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn depth_counts_containers() {
        assert_eq!(depth(&json!(1)), 0);
        assert_eq!(depth(&json!({ "a": 1 })), 1);
        assert_eq!(depth(&json!({ "a": [[1]], "b": 2 })), 3);
    }

    #[test]
    fn a_value_at_the_bound_passes_and_one_deeper_is_refused() {
        let nested = |levels: usize| (0..levels).fold(json!(1), |inner, _| json!([inner]));
        assert!(check_depth(&nested(MAX_DEPTH)).is_ok());
        assert_eq!(check_depth(&nested(MAX_DEPTH + 1)).unwrap_err().status.as_u16(), 400);
    }

    #[test]
    fn ids_are_classified_by_range() {
        assert_eq!(IdText::of(" 7 "), IdText::Id(7));
        assert_eq!(IdText::of("9223372036854775807"), IdText::Id(MAX_ID));
        for text in ["0", "9223372036854775808", "18446744073709551615", "99999999999999999999999"] {
            assert_eq!(IdText::of(text), IdText::OutOfRange, "{text}");
        }
        for text in ["", "-1", "1.5", "abc", "1e3"] {
            assert_eq!(IdText::of(text), IdText::NotANumber, "{text}");
        }
    }
}
