//! Calendly `invitee.created` events: the invitee is `payload` (`email`, `name`,
//! `first_name`/`last_name` when the booking form asks for them, `uri`), the meeting is
//! `payload.scheduled_event` (`name`, `start_time`). A company question's answer is read from
//! `payload.questions_and_answers`.
//!
//! Calendly signs with `Calendly-Webhook-Signature: t=<unix>,v1=<hex>` over `"{t}.{body}"` with
//! the signing key given when the webhook subscription is created: import that key as the
//! source's secret (the `calendly` scheme).

use serde_json::json;

use super::{Preset, spec};

pub fn preset() -> Preset {
    Preset {
        name: "calendly",
        label: "Calendly bookings",
        signature: "calendly",
        docs_url: "https://developer.calendly.com/docs/api-guides/trigger-automations-with-other-apps-when-invitees-schedule-or-cancel-events",
        mapping: spec(json!({
            "fields": {
                "idempotency_key": {"path": "$.payload.uri"},
                "external_id": {"path": "$.payload.uri"},
                "title": {"template": "{{ payload.name }} - {{ payload.scheduled_event.name }}"},
                "close_date": {"path": "$.payload.scheduled_event.start_time"},
                "contact.email": {"path": "$.payload.email"},
                "contact.first_name": {"path": "$.payload.first_name"},
                "contact.last_name": {"path": "$.payload.last_name"},
                "contact.company": {"path": "$.payload.questions_and_answers[?@.question=='Company'].answer"},
                "custom_fields.source_system": {"value": "calendly"},
                "custom_fields.meeting": {"path": "$.payload.scheduled_event.name"}
            }
        })),
    }
}
