//! The mapping as stored on a source and sent by users: plain JSON, read with serde.
//!
//! ```json
//! { "fields": {
//!     "title":         {"template": "{{ company }} - {{ plan }}"},
//!     "custom_fields.form": {"template": "{{ form }}", "vars": {"form": "$.form_response.definition.title"}},
//!     "amount":        {"path": "$.data.object.amount_total"},
//!     "currency":      {"path": "$.data.object.currency"},
//!     "stage":         {"path": "$.event_type", "map": {"quoteWon": "Won"}},
//!     "contact.email": {"path": "$.form_response.answers[?@.field.ref=='email'].email"},
//!     "custom_fields.source_system": {"value": "typeform"},
//!     "idempotency_key": {"path": "$.event_id"} },
//!   "decimal_separator": ",", "date_format": "%m/%d/%Y", "amount_minor_units": true }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{FieldProblem, MappingError, RuleProblem};
use super::settings::DecimalSeparator;

/// A whole mapping: one rule per target field, and the coercion options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingSpec {
    /// Target field name (`title`, `contact.email`, `custom_fields.plan`, `idempotency_key`…)
    /// to its rule.
    pub fields: BTreeMap<String, RuleSpec>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub decimal_separator: DecimalSeparator,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub amount_minor_units: bool,
}

/// Where one field's value comes from: exactly one of `path`, `template` or `value`, and an
/// optional lookup table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// An RFC 9535 JSONPath into the body; the first node it selects is the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A MiniJinja template over the body's top-level keys (and `body`, the whole body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Template variables taken from the body by JSONPath (first match), beside the body's
    /// top-level keys: `{"company": "$.form_response.answers[?@.field.ref=='company'].text"}`.
    /// A path that matches nothing (or `null`) leaves its variable undefined (`{% if company %}`
    /// is false). A template that renders only blanks leaves its field absent.
    /// Only with `template`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vars: Option<BTreeMap<String, String>>,
    /// A constant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// A lookup table applied to the extracted value, compared as text (`"quoteWon"` →
    /// `"Won"`). A value with no entry leaves the field absent, with a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<BTreeMap<String, Value>>,
}

/// The top level, with each rule still JSON, so that a malformed rule is reported under its
/// field beside the other rules' problems.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    fields: BTreeMap<String, Value>,
    #[serde(default)]
    decimal_separator: DecimalSeparator,
    #[serde(default)]
    date_format: Option<String>,
    #[serde(default)]
    amount_minor_units: bool,
}

impl MappingSpec {
    /// Reads the JSON: the well-formed rules, and a problem per malformed rule (an unknown key,
    /// a rule that is not an object). A malformed top level is a [`MappingError::Shape`].
    pub fn read(json: &Value) -> Result<(Self, Vec<FieldProblem>), MappingError> {
        let raw = RawSpec::deserialize(json).map_err(|error| MappingError::Shape(error.to_string()))?;
        let mut problems = Vec::new();
        let mut fields = BTreeMap::new();
        for (field, rule) in raw.fields {
            match RuleSpec::deserialize(&rule) {
                Ok(rule) => {
                    fields.insert(field, rule);
                }
                Err(error) => problems.push(FieldProblem { field, problem: RuleProblem::Malformed(error.to_string()) }),
            }
        }
        let spec = Self {
            fields,
            decimal_separator: raw.decimal_separator,
            date_format: raw.date_format,
            amount_minor_units: raw.amount_minor_units,
        };
        Ok((spec, problems))
    }

    /// Reads the JSON when every rule must be well formed (presets).
    pub fn deserialize_from(json: &Value) -> Result<Self, MappingError> {
        match Self::read(json)? {
            (spec, problems) if problems.is_empty() => Ok(spec),
            (_, problems) => Err(MappingError::Rules(problems)),
        }
    }
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
