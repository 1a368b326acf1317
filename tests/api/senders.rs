//! Issue 11, "Must show": for each preset, a body shaped as that sender's documentation shows
//! it (made up by us), signed the way that sender signs, creates the right deal and contact,
//! and a repeat with the sender's delivery id is answered as the first time, with no second
//! deal.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::sender_helpers::*;

/// What a preset's sample body should become.
struct Expected {
    title: &'static str,
    amount: f64,
    stage: &'static str,
    email: Option<&'static str>,
}

/// Sends the sender's body twice, signed afresh each time as a sender's retry is, with the
/// delivery-id headers the sender adds; the second answer repeats the first and adds no deal.
async fn assert_sender_creates_then_deduplicates(
    preset: &str,
    body: &[u8],
    content_type: &str,
    delivery: &[(&str, &str)],
    expected: Expected,
) {
    let app = spawn_app().await;
    let source = app.create_sender_source(preset).await;

    let first = app.send_signed(&source, body, content_type, delivery).await;
    assert_eq!(first.status(), 201, "{preset}: {}", first.text().await.unwrap_or_default());
    let first = json(first).await;
    let repeat = app.send_signed(&source, body, content_type, delivery).await;
    let (repeat_status, repeat) = (repeat.status(), json(repeat).await);

    assert_eq!(first["deal"]["title"], expected.title, "{preset}: {first}");
    assert_eq!(first["deal"]["amount"].as_f64(), Some(expected.amount), "{preset}: {first}");
    assert_eq!(first["deal"]["stage"]["name"], expected.stage, "{preset}: {first}");
    assert_eq!(first["contact"]["email"].as_str(), expected.email, "{preset}: {first}");
    assert_eq!((repeat_status.as_u16(), &repeat), (201, &first), "{preset}: the repeat is the first answer");
    assert_eq!(app.deals_created(), 1, "{preset}");
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap()
}

#[tokio::test]
async fn a_typeform_submission_creates_its_deal_and_a_repeated_event_id_is_deduplicated() {
    let expected = Expected {
        title: "Example Corp - Enterprise demo request",
        amount: 15000.0,
        stage: "Qualified",
        email: Some("jane.doe@example.com"),
    };
    assert_sender_creates_then_deduplicates(
        "typeform",
        &json_bytes(&fixture("typeform")),
        "application/json",
        &[],
        expected,
    )
    .await;
}

#[tokio::test]
async fn a_stripe_checkout_creates_a_won_deal_and_a_repeated_event_is_deduplicated() {
    let expected = Expected {
        title: "Jane Doe - Stripe checkout",
        amount: 15000.5,
        stage: "Won",
        email: Some("jane.doe@example.com"),
    };
    let body = json_bytes(&fixture("stripe"));
    assert_sender_creates_then_deduplicates("stripe", &body, "application/json; charset=utf-8", &[], expected).await;
}

#[tokio::test]
async fn a_calendly_booking_creates_its_deal_and_a_repeated_invitee_is_deduplicated() {
    let expected = Expected {
        title: "Jane Doe - 30 Minute Discovery Call",
        amount: 0.0,
        stage: "Lead In",
        email: Some("jane.doe@example.com"),
    };
    assert_sender_creates_then_deduplicates(
        "calendly",
        &json_bytes(&fixture("calendly")),
        "application/json",
        &[],
        expected,
    )
    .await;
}

#[tokio::test]
async fn a_shopify_order_creates_its_deal_and_a_repeated_webhook_id_is_deduplicated() {
    let expected = Expected {
        title: "Shopify order #1001",
        amount: 254.98,
        stage: "Lead In",
        email: Some("jane.doe@example.com"),
    };
    let delivery = [("X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")];
    assert_sender_creates_then_deduplicates(
        "shopify",
        &json_bytes(&fixture("shopify")),
        "application/json",
        &delivery,
        expected,
    )
    .await;
}

#[tokio::test]
async fn a_standard_webhooks_message_creates_its_deal_and_a_repeated_webhook_id_is_deduplicated() {
    // `send_signed` signs with webhook-id msg_example_01, as a Standard Webhooks sender retries.
    let expected = Expected {
        title: "Example Corp - Enterprise Plan",
        amount: 15000.0,
        stage: "Lead In",
        email: Some("jane.doe@example.com"),
    };
    assert_sender_creates_then_deduplicates(
        "standard",
        &json_bytes(&fixture("standard")),
        "application/json",
        &[],
        expected,
    )
    .await;
}

#[tokio::test]
async fn a_mautic_form_submission_creates_its_deal_and_a_repeated_submission_is_deduplicated() {
    let expected = Expected {
        title: "Example Corp - Demo request",
        amount: 15000.0,
        stage: "Lead In",
        email: Some("jane.doe@example.com"),
    };
    assert_sender_creates_then_deduplicates(
        "mautic",
        &json_bytes(&fixture("mautic")),
        "application/json",
        &[],
        expected,
    )
    .await;
}

#[tokio::test]
async fn a_form_encoded_plugin_post_creates_its_deal_and_a_repeated_key_is_deduplicated() {
    let fields = fixture("form");
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields.as_object().unwrap() {
        form.append_pair(name, value.as_str().unwrap());
    }
    let body = form.finish();
    let expected = Expected {
        title: "Example Corp - web form",
        amount: 15000.0,
        stage: "Lead In",
        email: Some("jane.doe@example.com"),
    };
    let delivery = [("Idempotency-Key", "entry-1287")];
    let content_type = "application/x-www-form-urlencoded";
    assert_sender_creates_then_deduplicates("form", body.as_bytes(), content_type, &delivery, expected).await;
}

#[tokio::test]
async fn a_dealhub_won_quote_creates_a_won_deal_and_a_repeated_event_id_is_deduplicated() {
    let expected = Expected { title: "Example Corp - Platform renewal", amount: 48000.0, stage: "Won", email: None };
    assert_sender_creates_then_deduplicates(
        "dealhub",
        &json_bytes(&fixture("dealhub")),
        "application/json",
        &[],
        expected,
    )
    .await;
}

#[tokio::test]
async fn a_github_delivery_id_deduplicates_a_signed_github_request() {
    let app = spawn_app().await;
    let source = app.create_source_with(json!({ "signature": "github" })).await;
    let body = br#"{"title": "From a GitHub-style sender", "contact": {"email": "octo@example.com"}}"#;
    let delivery = [("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")];

    let first = app.send_signed(&source, body, "application/json", &delivery).await;
    assert_eq!(first.status(), 201);
    let repeat = app.send_signed(&source, body, "application/json", &delivery).await;

    assert_eq!(repeat.status(), 201);
    assert_eq!(app.deals_created(), 1);
}
