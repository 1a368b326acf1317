//! The fields a mapping rule can fill: SPEC §5's payload fields and the idempotency key.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

/// One field of SPEC §5's payload (or the idempotency key) that a rule fills.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Title,
    Amount,
    Currency,
    CloseDate,
    ExternalId,
    Stage,
    PipelineId,
    /// `contact.<name>`: `email`, `first_name`, `last_name` or `company`.
    Contact(&'static str),
    /// `custom_fields.<name>`, any name.
    CustomField(String),
    /// Where the sender's delivery id sits in the body (Typeform `event_id`, Stripe `id`,
    /// DealHub `event_info.event_id`). It is not part of the payload: ingest uses it as the
    /// request's idempotency key when no `Idempotency-Key`/`webhook-id` header carries one.
    IdempotencyKey,
}

/// How a target's value is coerced before validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An exact decimal number (`amount`).
    Amount,
    /// A `YYYY-MM-DD` date (`close_date`).
    Date,
    /// An ISO 4217 code, upper case (`currency`).
    Currency,
    /// Text: numbers and booleans become their text, arrays of scalars are joined with ", ".
    Text,
    /// Passed on as extracted (`pipeline_id`, `custom_fields.*`); arrays of scalars are joined.
    AsIs,
}

/// The text is not a field a mapping can fill.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "is not a field a mapping can fill; use title, amount, currency, close_date, external_id, stage, \
     pipeline_id, contact.email, contact.first_name, contact.last_name, contact.company, \
     custom_fields.<name> or idempotency_key"
)]
pub struct UnknownTarget;

const CONTACT_FIELDS: [&str; 4] = ["email", "first_name", "last_name", "company"];

impl FromStr for Target {
    type Err = UnknownTarget;

    fn from_str(name: &str) -> Result<Self, UnknownTarget> {
        let target = match name {
            "title" => Self::Title,
            "amount" => Self::Amount,
            "currency" => Self::Currency,
            "close_date" => Self::CloseDate,
            "external_id" => Self::ExternalId,
            "stage" => Self::Stage,
            "pipeline_id" => Self::PipelineId,
            "idempotency_key" => Self::IdempotencyKey,
            _ => return nested(name),
        };
        Ok(target)
    }
}

fn nested(name: &str) -> Result<Target, UnknownTarget> {
    if let Some(field) = name.strip_prefix("contact.") {
        let known = CONTACT_FIELDS.iter().find(|known| **known == field).ok_or(UnknownTarget)?;
        return Ok(Target::Contact(known));
    }
    match name.strip_prefix("custom_fields.") {
        Some(field) if !field.trim().is_empty() => Ok(Target::CustomField(field.to_owned())),
        _ => Err(UnknownTarget),
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Contact(field) => write!(f, "contact.{field}"),
            Self::CustomField(field) => write!(f, "custom_fields.{field}"),
            other => f.write_str(other.top_key().unwrap_or("idempotency_key")),
        }
    }
}

impl Target {
    /// How the extracted value is coerced.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Amount => Kind::Amount,
            Self::CloseDate => Kind::Date,
            Self::Currency => Kind::Currency,
            Self::PipelineId | Self::CustomField(_) => Kind::AsIs,
            _ => Kind::Text,
        }
    }

    /// Puts a value into the payload where SPEC §5 expects it. The idempotency key is not part
    /// of the payload and is ignored here.
    pub fn insert(&self, payload: &mut Map<String, Value>, value: Value) {
        match self {
            Self::Contact(field) => insert_nested(payload, "contact", field, value),
            Self::CustomField(field) => insert_nested(payload, "custom_fields", field, value),
            Self::IdempotencyKey => {}
            other => {
                if let Some(key) = other.top_key() {
                    payload.insert(key.to_owned(), value);
                }
            }
        }
    }

    fn top_key(&self) -> Option<&'static str> {
        Some(match self {
            Self::Title => "title",
            Self::Amount => "amount",
            Self::Currency => "currency",
            Self::CloseDate => "close_date",
            Self::ExternalId => "external_id",
            Self::Stage => "stage",
            Self::PipelineId => "pipeline_id",
            Self::Contact(_) | Self::CustomField(_) | Self::IdempotencyKey => return None,
        })
    }
}

fn insert_nested(payload: &mut Map<String, Value>, object: &str, field: &str, value: Value) {
    let entry = payload.entry(object).or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(map) = entry {
        map.insert(field.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_spec_field_parses_and_prints_back_as_written() {
        let names = [
            "title",
            "amount",
            "currency",
            "close_date",
            "external_id",
            "stage",
            "pipeline_id",
            "contact.email",
            "contact.first_name",
            "contact.last_name",
            "contact.company",
            "custom_fields.plan",
            "idempotency_key",
        ];
        for name in names {
            let target: Target = name.parse().unwrap();
            assert_eq!(target.to_string(), name);
        }
    }

    #[test]
    fn unknown_and_half_named_fields_are_refused() {
        for name in ["titel", "contact.phone", "contact", "custom_fields.", "custom_fields", "deal.title"] {
            assert_eq!(name.parse::<Target>(), Err(UnknownTarget), "{name}");
        }
    }

    #[test]
    fn nested_targets_build_the_spec_objects() {
        let mut payload = Map::new();
        Target::Title.insert(&mut payload, json!("Acme"));
        Target::Contact("email").insert(&mut payload, json!("jane@example.com"));
        Target::Contact("company").insert(&mut payload, json!("Acme"));
        Target::CustomField("plan".into()).insert(&mut payload, json!("pro"));
        Target::IdempotencyKey.insert(&mut payload, json!("evt_1"));
        assert_eq!(
            Value::Object(payload),
            json!({"title": "Acme", "contact": {"email": "jane@example.com", "company": "Acme"},
                   "custom_fields": {"plan": "pro"}})
        );
    }
}
