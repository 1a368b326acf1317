//! Stripe `checkout.session.completed` events: the session is `data.object`, its
//! `amount_total` is in the currency's minor units (cents), `currency` is lower case, the
//! buyer is `customer_details`. A completed checkout is a won deal, through the stage table.

use serde_json::json;

use super::{Preset, spec};

pub fn preset() -> Preset {
    Preset {
        name: "stripe",
        label: "Stripe Checkout payments",
        signature: "stripe",
        docs_url: "https://docs.stripe.com/webhooks",
        mapping: spec(json!({
            "fields": {
                "idempotency_key": {"path": "$.id"},
                "external_id": {"path": "$.data.object.id"},
                "title": {"template": concat!(
                    "{{ data.object.customer_details.name or data.object.customer_details.email }}",
                    " - Stripe checkout"
                )},
                "amount": {"path": "$.data.object.amount_total"},
                "currency": {"path": "$.data.object.currency"},
                "stage": {"path": "$.type", "map": {"checkout.session.completed": "Won"}},
                "contact.email": {"path": "$.data.object.customer_details.email"},
                "contact.first_name": {
                    "template": "{% if name %}{{ name | split | first }}{% endif %}",
                    "vars": {"name": "$.data.object.customer_details.name"}
                },
                "contact.last_name": {
                    "template": "{% if name %}{{ (name | split | list)[1:] | join(' ') }}{% endif %}",
                    "vars": {"name": "$.data.object.customer_details.name"}
                },
                "contact.company": {"path": "$.data.object.customer_details.business_name"},
                "custom_fields.source_system": {"value": "stripe"},
                "custom_fields.payment_status": {"path": "$.data.object.payment_status"}
            },
            "amount_minor_units": true
        })),
    }
}
