use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::FieldErrors;

/// A deal's custom fields: names mapped to scalar values (string, number, boolean).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomFields(BTreeMap<String, Value>);

/// A change to custom fields: each named field is set, and a `null` value removes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomFieldsPatch(BTreeMap<String, Value>);

const MAX_FIELDS: usize = 200;
const MAX_NAME_CHARS: usize = 255;
const MAX_TEXT_CHARS: usize = 65_535;

impl CustomFields {
    /// Parses a JSON object of scalar values; `null` values are dropped.
    pub fn parse(value: &Value) -> Result<Self, FieldErrors> {
        CustomFieldsPatch::parse(value).map(|patch| Self::default().patched(&patch))
    }

    /// The fields after applying a patch.
    pub fn patched(&self, patch: &CustomFieldsPatch) -> Self {
        let mut fields = self.0.clone();
        for (name, value) in &patch.0 {
            if value.is_null() {
                fields.remove(name);
            } else {
                fields.insert(name.clone(), value.clone());
            }
        }
        Self(fields)
    }

    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fields by name.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter()
    }
}

impl CustomFieldsPatch {
    /// Parses a JSON object of scalar (or `null`) values, listing every bad field.
    pub fn parse(value: &Value) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let Value::Object(map) = value else {
            errors.add("custom_fields", "must be an object of field names to values");
            return Err(errors);
        };
        if map.len() > MAX_FIELDS {
            errors.add("custom_fields", format!("must have at most {MAX_FIELDS} fields"));
        }
        for (name, value) in map {
            let field = format!("custom_fields.{name}");
            if name.trim().is_empty() || name.chars().count() > MAX_NAME_CHARS {
                errors.add(&field, format!("field names must have 1 to {MAX_NAME_CHARS} characters"));
            }
            match value {
                Value::Object(_) | Value::Array(_) => {
                    errors.add(&field, "must be a string, number, boolean or null, not an object or array")
                }
                Value::String(text) if text.chars().count() > MAX_TEXT_CHARS => {
                    errors.add(&field, format!("must be at most {MAX_TEXT_CHARS} characters"))
                }
                _ => {}
            }
        }
        errors.into_result(|| Self(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_scalars_and_rejects_nested_values_by_name() {
        assert!(CustomFields::parse(&json!({"a": "x", "b": 2.50, "c": true})).is_ok());
        let errors = CustomFields::parse(&json!({"a": {"x": 1}, "b": [1], "c": "ok"})).unwrap_err();
        assert_eq!(errors.fields().collect::<Vec<_>>(), ["custom_fields.a", "custom_fields.b"]);
    }

    #[test]
    fn a_patch_sets_fields_and_null_removes_them() {
        let fields = CustomFields::parse(&json!({"a": 1, "b": 2})).unwrap();
        let patch = CustomFieldsPatch::parse(&json!({"a": null, "c": 3})).unwrap();
        assert_eq!(fields.patched(&patch), CustomFields::parse(&json!({"b": 2, "c": 3})).unwrap());
    }
}
