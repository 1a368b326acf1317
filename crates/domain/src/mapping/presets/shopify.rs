//! Shopify order webhooks (`orders/create`, `orders/paid`): the order's `id`, `name` (`#1001`),
//! `total_price` as a decimal string, `currency`, `email`, `customer` and `billing_address`.
//! Shopify's delivery id is the `X-Shopify-Webhook-Id` header, not in the body; the order id as
//! `external_id` makes a repeated order update its deal rather than create another.

use serde_json::json;

use super::{Preset, spec};

pub fn preset() -> Preset {
    Preset {
        name: "shopify",
        label: "Shopify orders",
        signature: "shopify",
        docs_url: "https://shopify.dev/docs/apps/build/webhooks",
        mapping: spec(json!({
            "fields": {
                "external_id": {"path": "$.id"},
                "title": {"template": "Shopify order {{ name }}"},
                "amount": {"path": "$.total_price"},
                "currency": {"path": "$.currency"},
                "contact.email": {"path": "$.email"},
                "contact.first_name": {"path": "$.customer.first_name"},
                "contact.last_name": {"path": "$.customer.last_name"},
                "contact.company": {"path": "$.billing_address.company"},
                "custom_fields.source_system": {"value": "shopify"},
                "custom_fields.financial_status": {"path": "$.financial_status"}
            }
        })),
    }
}
