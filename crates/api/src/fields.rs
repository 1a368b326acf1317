//! Reads typed fields out of a JSON object, recording every problem by field name, so that a
//! client learns all its mistakes at once (422 with `details`).
//!
//! Every field asked for is remembered, so that [`Fields::refuse_unknown`] can name the fields of
//! the object that nothing read: a misspelled field is a 422, never a 2xx that changed nothing
//! (see "Unknown fields and parameters" in `docs/api.md`).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::str::FromStr;

use domain::values::{BoundedText, FieldErrors};
use serde_json::{Map, Value};

use crate::limits::{IdText, out_of_range};

/// A JSON object being parsed field by field.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    errors: FieldErrors,
    /// The fields asked for, or accepted without being read ([`Fields::allow`]).
    accepted: RefCell<BTreeSet<String>>,
    /// Fields taken and ignored on purpose (read-only fields a GET shows), not listed as accepted.
    ignored: BTreeSet<String>,
}

impl<'a> Fields<'a> {
    /// Starts parsing an object.
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Self { map, errors: FieldErrors::new(), accepted: RefCell::default(), ignored: BTreeSet::new() }
    }

    /// The raw value of a field that is present and not `null`.
    pub fn value(&self, name: &str) -> Option<&'a Value> {
        self.raw(name).filter(|v| !v.is_null())
    }

    /// True when the field is present, even as `null`.
    pub fn has(&self, name: &str) -> bool {
        self.raw(name).is_some()
    }

    fn raw(&self, name: &str) -> Option<&'a Value> {
        self.accepted.borrow_mut().insert(name.to_owned());
        self.map.get(name)
    }

    /// Accepts fields that this object's parser reads only in some cases (listed as accepted).
    pub fn allow(&mut self, names: &[&str]) {
        self.accepted.get_mut().extend(names.iter().map(|name| (*name).to_owned()));
    }

    /// Takes fields and ignores them (the read-only fields a GET shows, which a client may send
    /// back); they are not listed as accepted.
    pub fn ignore(&mut self, names: &[&str]) {
        self.ignored.extend(names.iter().map(|name| (*name).to_owned()));
    }

    /// Records a 422 for every field of the object that was neither read, allowed nor ignored,
    /// naming the fields that are accepted. Call it after reading every field.
    pub fn refuse_unknown(&mut self) {
        let unknown: Vec<&String> = {
            let accepted = self.accepted.borrow();
            self.map.keys().filter(|key| !accepted.contains(*key) && !self.ignored.contains(*key)).collect()
        };
        if unknown.is_empty() {
            return;
        }
        let accepted = self.accepted.borrow().iter().cloned().collect::<Vec<_>>().join(", ");
        for name in unknown {
            self.errors.add(name.as_str(), format!("is not a field here; the accepted fields are: {accepted}"));
        }
    }

    /// Records a problem with a field.
    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors.add(name, message);
    }

    /// A string field read by `parse`: absent or `null` is none, and an error when `required`.
    pub fn string<T, E: std::fmt::Display>(
        &mut self,
        name: &str,
        required: bool,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match self.value(name) {
            None => {
                if required {
                    self.error(name, "is required");
                }
                None
            }
            Some(Value::String(text)) => {
                let parsed = parse(text);
                self.errors.check(name, parsed)
            }
            Some(_) => {
                self.error(name, "must be a string");
                None
            }
        }
    }

    /// A required text of 1..=`max` characters.
    pub fn required_text(&mut self, name: &str, max: usize) -> Option<BoundedText> {
        self.string(name, true, |text| BoundedText::parse(text, max))
    }

    /// An optional text of 1..=`max` characters (absent or `null` is none).
    pub fn optional_text(&mut self, name: &str, max: usize) -> Option<BoundedText> {
        self.string(name, false, |text| BoundedText::parse(text, max))
    }

    /// A text that may be cleared: absent is `None`, `null` or empty is `Some(None)`.
    pub fn clearable_text(&mut self, name: &str, max: usize) -> Option<Option<String>> {
        match self.raw(name)? {
            Value::Null => Some(None),
            Value::String(text) => {
                let parsed = BoundedText::parse_optional(text, max);
                self.errors.check(name, parsed)
            }
            _ => {
                self.error(name, "must be a string or null");
                None
            }
        }
    }

    /// A boolean; also `1`/`0` and `"true"`/`"false"`/`"1"`/`"0"`, as PHP clients send them.
    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        let parsed = match self.value(name)? {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => match n.to_string().as_str() {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            },
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => Some(true),
                "0" | "false" | "no" | "" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            self.error(name, "must be true or false");
        }
        parsed
    }

    /// A positive integer id (a JSON number or a numeric string) from 1 to `MAX_ID`.
    pub fn id<T: FromStr>(&mut self, name: &str) -> Option<T> {
        let text = match self.value(name)? {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.trim().to_owned(),
            _ => String::new(),
        };
        let parsed = match IdText::of(&text) {
            IdText::Id(_) => text.parse::<T>().ok(),
            IdText::OutOfRange => {
                self.error(name, out_of_range(&text));
                return None;
            }
            IdText::NotANumber => None,
        };
        if parsed.is_none() {
            self.error(name, "must be a positive integer id");
        }
        parsed
    }

    /// Adopts the errors of a nested parse under `name.`.
    pub fn nested(&mut self, name: &str, errors: FieldErrors) {
        self.errors.extend_prefixed(name, errors);
    }

    /// Records a parse result's error under `name`.
    pub fn check<T, E: std::fmt::Display>(&mut self, name: &str, parsed: Result<T, E>) -> Option<T> {
        self.errors.check(name, parsed)
    }

    /// Adopts whole field errors (already named).
    pub fn adopt(&mut self, errors: FieldErrors) {
        self.errors.extend(errors);
    }

    /// The problems found so far.
    pub fn into_errors(self) -> FieldErrors {
        self.errors
    }

    /// Runs a parser over a JSON object and answers its value or every field error; a field the
    /// parser did not read is refused by name (a misspelled field must not answer 2xx).
    pub fn parse_object<T>(
        map: &'a Map<String, Value>,
        read: impl FnOnce(&mut Fields<'a>) -> Option<T>,
    ) -> Result<T, FieldErrors> {
        let mut fields = Fields::new(map);
        let value = read(&mut fields);
        fields.refuse_unknown();
        let errors = fields.into_errors();
        match value {
            Some(value) if errors.is_empty() => Ok(value),
            _ => Err(errors),
        }
    }
}

/// Parses an id from a path segment: 400 naming the parameter when it is not a whole number,
/// 404 when it is one that no entity can have (0, or beyond `MAX_ID`).
pub fn path_id<T: FromStr>(raw: &str) -> Result<T, crate::ApiError> {
    let not_a_number = || crate::ApiError::bad_field("id", format!("must be a positive integer, not {raw:?}"));
    match IdText::of(raw) {
        IdText::Id(_) if raw == raw.trim() => raw.parse().map_err(|_| not_a_number()),
        IdText::OutOfRange => Err(crate::ApiError::not_found(format!(
            "nothing has the id {raw}: ids run from 1 to {}",
            domain::ids::MAX_ID
        ))),
        _ => Err(not_a_number()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ids::DealId;
    use serde_json::json;

    #[test]
    fn path_ids_are_400_when_not_numbers_and_404_when_out_of_range() {
        assert_eq!(path_id::<DealId>("7").unwrap(), DealId(7));
        let status = |raw: &str| path_id::<DealId>(raw).unwrap_err().status.as_u16();
        assert_eq!(status("abc"), 400);
        assert_eq!(status(" 7"), 400);
        assert_eq!(status("9223372036854775808"), 404);
        assert_eq!(status("18446744073709551615"), 404);
        assert_eq!(path_id::<u64>("9223372036854775808").unwrap_err().status.as_u16(), 404);
    }

    #[test]
    fn body_ids_out_of_range_are_field_errors() {
        let map = json!({ "a": 9_223_372_036_854_775_808_u64, "b": "18446744073709551615", "c": 5 });
        let Value::Object(map) = map else { unreachable!() };
        let mut fields = Fields::new(&map);
        assert_eq!(fields.id::<DealId>("a"), None);
        assert_eq!(fields.id::<DealId>("b"), None);
        assert_eq!(fields.id::<DealId>("c"), Some(DealId(5)));
        let errors: Vec<String> = fields.into_errors().fields().map(str::to_owned).collect();
        assert_eq!(errors, ["a", "b"]);
    }

    #[test]
    fn fields_nothing_read_are_refused_by_name_with_the_accepted_ones_listed() {
        let Value::Object(map) = json!({ "nmae": "x", "title": "t", "id": 4, "later": 1 }) else { unreachable!() };
        let mut fields = Fields::new(&map);
        fields.optional_text("title", 10);
        fields.optional_text("name", 10);
        fields.allow(&["later"]);
        fields.ignore(&["id"]);
        fields.refuse_unknown();
        let errors = fields.into_errors();
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["nmae"]);
        let text = errors.to_string();
        assert!(text.contains("accepted fields are: later, name, title"), "{text}");
    }

    #[test]
    fn an_object_of_known_fields_passes_the_strict_check() {
        let Value::Object(map) = json!({ "title": "t", "gone": null }) else { unreachable!() };
        let mut fields = Fields::new(&map);
        fields.optional_text("title", 10);
        fields.clearable_text("gone", 10);
        fields.refuse_unknown();
        assert!(fields.into_errors().is_empty());
    }
}
