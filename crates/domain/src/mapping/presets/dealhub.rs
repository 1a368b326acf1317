//! DealHub quote events (issue 17): every payload has an `event_info` envelope (`webhook_id`,
//! `event_id`, `api_version`, `request_id`); quote events add `dealhub_quote_id`,
//! `dealhub_opportunity_id` and, when configured, `additional_data` with up to five playbook
//! answers (`reference/dealhub-webhooks.txt`).
//!
//! - `external_id` is the opportunity id, so every quote event of one opportunity updates one
//!   deal; `event_info.event_id` deduplicates repeats.
//! - The event type selects the stage through an editable table; events with no entry
//!   (`draftQuote`, `quoteRejected`…) update the other fields and leave the stage, with a note.
//!   DealHub's documentation does not show the event type's key, so the path searches the body
//!   for `event_type` wherever it sits; edit it if your payload names it otherwise.
//! - `amount` reads an `additional_data` answer named `amount`: point it at your playbook
//!   question's id.
//!
//! DealHub authenticates with a shared token, not a signature, so the preset uses `url_token`.

use serde_json::json;

use super::{Preset, spec};

pub fn preset() -> Preset {
    Preset {
        name: "dealhub",
        label: "DealHub quotes",
        signature: "url_token",
        docs_url: "https://developers.dealhub.io/docs/webhooks-overview",
        mapping: spec(json!({
            "fields": {
                "idempotency_key": {"path": "$.event_info.event_id"},
                "external_id": {"path": "$.dealhub_opportunity_id"},
                "title": {"template": "{{ dealhub_quote_name or ('DealHub opportunity ' ~ dealhub_opportunity_id) }}"},
                "amount": {"path": "$.additional_data.amount"},
                "currency": {"path": "$.currency"},
                "stage": {"path": "$..event_type", "map": {
                    "quoteReady": "Proposal Sent",
                    "quotePublished": "Proposal Sent",
                    "quotePendingApproval": "Negotiation",
                    "quoteWon": "Won"
                }},
                "custom_fields.source_system": {"value": "dealhub"},
                "custom_fields.dealhub_quote_id": {"path": "$.dealhub_quote_id"}
            }
        })),
    }
}
