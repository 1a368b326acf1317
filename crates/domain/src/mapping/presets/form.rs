//! A generic form plugin (Gravity Forms, WPForms, Contact Form 7 webhooks, or any HTML form
//! posted as JSON or `application/x-www-form-urlencoded`): flat fields named `email`,
//! `first_name`, `last_name`, `company`, `title`, `amount`, `close_date` and `stage`. Without a
//! `title` field the title is the company (or the email) and "web form". In Gravity Forms'
//! Webhooks Add-On, choose Request Body › Select Fields and name the keys so. Such plugins
//! rarely sign, so the preset uses `url_token`.

use serde_json::json;

use super::{Preset, spec};

pub fn preset() -> Preset {
    Preset {
        name: "form",
        label: "Web forms (WordPress form plugins and others)",
        signature: "url_token",
        docs_url: "https://docs.gravityforms.com/triggering-webhooks-form-submissions/",
        mapping: spec(json!({
            "fields": {
                "title": {"template": "{{ title or ((company or email) ~ ' - web form') }}"},
                "amount": {"path": "$.amount"},
                "close_date": {"path": "$.close_date"},
                "stage": {"path": "$.stage"},
                "contact.email": {"path": "$.email"},
                "contact.first_name": {"path": "$.first_name"},
                "contact.last_name": {"path": "$.last_name"},
                "contact.company": {"path": "$.company"},
                "custom_fields.source_system": {"value": "form"}
            }
        })),
    }
}
