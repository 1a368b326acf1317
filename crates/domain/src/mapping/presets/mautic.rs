//! Mautic's own webhooks for form submissions (`mautic.form_on_submit`), from another Mautic
//! instance: `{"mautic.form_on_submit": [{"submission": {"id", "form": {…}, "lead": {…},
//! "results": {<field alias>: <value>}}, "timestamp"}]}`. The preset reads the first
//! submission's results by the aliases `email`, `first_name`, `last_name`, `company` and
//! `amount`; edit the paths when your form's aliases differ.

use serde_json::json;

use super::{Preset, spec};

const SUBMISSION: &str = "$['mautic.form_on_submit'][0].submission";

pub fn preset() -> Preset {
    let result = |alias: &str| json!({"path": format!("{SUBMISSION}.results.{alias}")});
    Preset {
        name: "mautic",
        label: "Mautic form submissions",
        signature: "mautic",
        docs_url: "https://mautic-developer.readthedocs.io/en/latest/webhooks/getting_started.html",
        mapping: spec(json!({
            "fields": {
                "idempotency_key": {"path": format!("{SUBMISSION}.id")},
                "title": {
                    "template": "{{ company or email }} - {{ form }}",
                    "vars": {
                        "company": format!("{SUBMISSION}.results.company"),
                        "email": format!("{SUBMISSION}.results.email"),
                        "form": format!("{SUBMISSION}.form.name")
                    }
                },
                "amount": result("amount"),
                "contact.email": result("email"),
                "contact.first_name": result("first_name"),
                "contact.last_name": result("last_name"),
                "contact.company": result("company"),
                "custom_fields.source_system": {"value": "mautic"},
                "custom_fields.form": {"path": format!("{SUBMISSION}.form.alias")}
            }
        })),
    }
}
