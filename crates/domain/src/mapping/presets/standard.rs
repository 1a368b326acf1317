//! Standard Webhooks senders (Svix and others): the body is an envelope
//! `{"type", "timestamp", "data"}`; this preset reads SPEC §5's fields from `data`. The
//! delivery id is the `webhook-id` header, which ingest already uses as idempotency key.

use serde_json::{Value, json};

use super::{Preset, spec};

const DATA_FIELDS: [&str; 7] = ["title", "amount", "currency", "close_date", "external_id", "stage", "pipeline_id"];
const CONTACT_FIELDS: [&str; 4] = ["email", "first_name", "last_name", "company"];

pub fn preset() -> Preset {
    let mut fields = serde_json::Map::new();
    for field in DATA_FIELDS {
        fields.insert(field.to_owned(), json!({"path": format!("$.data.{field}")}));
    }
    for field in CONTACT_FIELDS {
        fields.insert(format!("contact.{field}"), json!({"path": format!("$.data.contact.{field}")}));
    }
    fields.insert("custom_fields.event_type".to_owned(), json!({"path": "$.type"}));
    Preset {
        name: "standard",
        label: "Standard Webhooks senders",
        signature: "standard",
        docs_url: "https://www.standardwebhooks.com/",
        mapping: spec(json!({ "fields": Value::Object(fields) })),
    }
}
