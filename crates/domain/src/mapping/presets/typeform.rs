//! Typeform `form_response` webhooks: answers are an array under `form_response.answers`, each
//! with its question's `field.ref` and a value keyed by the answer `type` (`email`, `text`,
//! `number`, `date`, `choice.label`…). The preset reads the answers whose refs are `email`,
//! `first_name`, `last_name`, `company`, `amount`, `close_date` and `stage`: give your
//! questions these refs in the form's settings (Logic › Question refs), or edit the paths.

use serde_json::json;

use super::{Preset, spec};

const ANSWERS: &str = "$.form_response.answers";

pub fn preset() -> Preset {
    let answer = |reference: &str, key: &str| json!({"path": format!("{ANSWERS}[?@.field.ref=='{reference}'].{key}")});
    Preset {
        name: "typeform",
        label: "Typeform form submissions",
        signature: "typeform",
        docs_url: "https://www.typeform.com/developers/webhooks/example-payload/",
        mapping: spec(json!({
            "fields": {
                "idempotency_key": {"path": "$.event_id"},
                "external_id": {"path": "$.form_response.token"},
                "title": {
                    "template": "{% if company %}{{ company }} - {% endif %}{{ form }}",
                    "vars": {
                        "company": format!("{ANSWERS}[?@.field.ref=='company'].text"),
                        "form": "$.form_response.definition.title"
                    }
                },
                "amount": answer("amount", "number"),
                "close_date": answer("close_date", "date"),
                "stage": answer("stage", "choice.label"),
                "contact.email": answer("email", "email"),
                "contact.first_name": answer("first_name", "text"),
                "contact.last_name": answer("last_name", "text"),
                "contact.company": answer("company", "text"),
                "custom_fields.source_system": {"value": "typeform"},
                "custom_fields.form_id": {"path": "$.form_response.form_id"}
            }
        })),
    }
}
