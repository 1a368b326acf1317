//! Given a sender's body shaped as its documentation shows it (made up by us, no personal
//! data), when the sender's preset maps it, then SPEC §5's payload comes out, and every value
//! in it passes the payload's value checks.

use std::path::Path;

use domain::mapping::{MappedOutcome, presets};
use domain::values::{Amount, Currency, Email, Title, parse_date};
use serde_json::{Map, Value};

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn map_with(preset: &str, body: &Value) -> MappedOutcome {
    let preset = presets::find(preset).unwrap_or_else(|| panic!("no preset {preset}"));
    preset.compile().unwrap_or_else(|error| panic!("{error}")).apply(body)
}

/// Expected payloads are written as JSON text so decimals stay exact.
fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

fn assert_maps_to(outcome: &MappedOutcome, expected: &str) {
    assert_eq!(Value::Object(outcome.payload.clone()), json(expected), "notes: {:?}", outcome.notes);
    assert_valid(&outcome.payload);
}

/// The checks `InboundPayload::parse` runs on these fields, from the same value types.
fn assert_valid(payload: &Map<String, Value>) {
    if let Some(title) = payload.get("title") {
        Title::parse(title.as_str().expect("title is text")).expect("title is valid");
    }
    if let Some(amount) = payload.get("amount") {
        Amount::from_json(amount).expect("amount is valid");
    }
    if let Some(currency) = payload.get("currency") {
        Currency::parse(currency.as_str().expect("currency is text")).expect("currency is valid");
    }
    if let Some(date) = payload.get("close_date") {
        parse_date(date.as_str().expect("close_date is text")).expect("close_date is valid");
    }
    if let Some(email) = payload.get("contact").and_then(|contact| contact.get("email")) {
        Email::parse(email.as_str().expect("email is text")).expect("email is valid");
    }
}

#[test]
fn a_typeform_submission_becomes_a_deal_with_its_answers_by_ref() {
    let outcome = map_with("typeform", &fixture("typeform"));
    assert_maps_to(
        &outcome,
        r#"{"title": "Example Corp - Enterprise demo request", "amount": 15000, "close_date": "2026-06-30",
            "stage": "Qualified", "external_id": "a3a12ec67a1365927098a606107fac15",
            "contact": {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe", "company": "Example Corp"},
            "custom_fields": {"source_system": "typeform", "form_id": "lT4Z3j"}}"#,
    );
    assert_eq!(outcome.idempotency_key.as_deref(), Some("01JXEXAMPLETYPEFORMEVENT01"));
    assert!(outcome.notes.is_empty(), "{:?}", outcome.notes);
}

#[test]
fn a_typeform_submission_without_a_company_is_titled_after_the_form() {
    let mut body = fixture("typeform");
    let Value::Array(answers) = &mut body["form_response"]["answers"] else { panic!("answers") };
    answers.retain(|answer| answer["field"]["ref"] != "company");
    let outcome = map_with("typeform", &body);
    assert_eq!(outcome.payload["title"], "Enterprise demo request");
    assert!(outcome.payload["contact"].get("company").is_none());
}

#[test]
fn a_stripe_checkout_becomes_a_won_deal_in_major_units() {
    let outcome = map_with("stripe", &fixture("stripe"));
    assert_maps_to(
        &outcome,
        r#"{"title": "Jane Doe - Stripe checkout", "amount": 15000.50, "currency": "EUR", "stage": "Won",
            "external_id": "cs_test_a1ExampleCheckoutSession0001",
            "contact": {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe", "company": "Example Corp"},
            "custom_fields": {"source_system": "stripe", "payment_status": "paid"}}"#,
    );
    assert_eq!(outcome.payload["amount"].to_string(), "15000.50");
    assert_eq!(outcome.idempotency_key.as_deref(), Some("evt_1PExampleCheckoutEvt0001"));
}

#[test]
fn a_stripe_checkout_without_a_customer_name_is_titled_by_email_and_has_no_names() {
    let mut body = fixture("stripe");
    body["data"]["object"]["customer_details"]["name"] = Value::Null;
    let outcome = map_with("stripe", &body);
    assert_eq!(outcome.payload["title"], "jane.doe@example.com - Stripe checkout");
    let contact = &outcome.payload["contact"];
    assert!(contact.get("first_name").is_none() && contact.get("last_name").is_none(), "{contact}");
    assert!(outcome.notes.is_empty(), "{:?}", outcome.notes);

    body["data"]["object"]["customer_details"]["name"] = Value::from("Cher");
    let single = map_with("stripe", &body);
    assert_eq!(single.payload["contact"]["first_name"], "Cher");
    assert!(single.payload["contact"].get("last_name").is_none());
    assert!(single.notes.is_empty(), "{:?}", single.notes);
}

#[test]
fn a_stripe_event_of_another_type_leaves_the_stage_and_says_so() {
    let mut body = fixture("stripe");
    body["type"] = Value::from("checkout.session.expired");
    let outcome = map_with("stripe", &body);
    assert!(!outcome.payload.contains_key("stage"));
    let notes: Vec<String> = outcome.notes.iter().map(ToString::to_string).collect();
    assert_eq!(notes, ["stage: no entry for checkout.session.expired in the table"]);
}

#[test]
fn a_calendly_booking_becomes_a_deal_closing_on_the_meeting_day() {
    let outcome = map_with("calendly", &fixture("calendly"));
    let invitee = "https://api.calendly.com/scheduled_events/GBGBEXAMPLEEVT01/invitees/AAAAEXAMPLEINV01";
    assert_maps_to(
        &outcome,
        &format!(
            r#"{{"title": "Jane Doe - 30 Minute Discovery Call", "close_date": "2026-06-30", "external_id": "{invitee}",
                "contact": {{"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe", "company": "Example Corp"}},
                "custom_fields": {{"source_system": "calendly", "meeting": "30 Minute Discovery Call"}}}}"#
        ),
    );
    assert_eq!(outcome.idempotency_key.as_deref(), Some(invitee));
}

#[test]
fn a_shopify_order_becomes_a_deal_keyed_by_its_order_id() {
    let outcome = map_with("shopify", &fixture("shopify"));
    assert_maps_to(
        &outcome,
        r#"{"title": "Shopify order #1001", "amount": 254.98, "currency": "USD", "external_id": "5820982911946154508",
            "contact": {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe", "company": "Example Corp"},
            "custom_fields": {"source_system": "shopify", "financial_status": "paid"}}"#,
    );
    assert_eq!(outcome.idempotency_key, None);
}

#[test]
fn a_standard_webhooks_envelope_yields_its_data() {
    let outcome = map_with("standard", &fixture("standard"));
    assert_maps_to(
        &outcome,
        r#"{"title": "Example Corp - Enterprise Plan", "amount": 15000, "close_date": "2026-06-30", "external_id": "crm-42",
            "contact": {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe", "company": "Example Corp"},
            "custom_fields": {"event_type": "deal.updated"}}"#,
    );
}

#[test]
fn a_mautic_form_submission_becomes_a_deal_from_its_results() {
    let outcome = map_with("mautic", &fixture("mautic"));
    assert_maps_to(
        &outcome,
        r#"{"title": "Example Corp - Demo request", "amount": 15000,
            "contact": {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe", "company": "Example Corp"},
            "custom_fields": {"source_system": "mautic", "form": "demorequest"}}"#,
    );
    assert_eq!(outcome.idempotency_key.as_deref(), Some("87"));
}

#[test]
fn a_flat_form_post_becomes_a_deal_titled_after_the_company() {
    let outcome = map_with("form", &fixture("form"));
    assert_maps_to(
        &outcome,
        r#"{"title": "Example Corp - web form", "amount": 15000.00, "close_date": "2026-06-30",
            "contact": {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe", "company": "Example Corp"},
            "custom_fields": {"source_system": "form"}}"#,
    );
    let mut titled = fixture("form");
    titled["title"] = Value::from("Example Corp - Enterprise Plan");
    assert_eq!(map_with("form", &titled).payload["title"], "Example Corp - Enterprise Plan");
}

#[test]
fn a_dealhub_won_quote_moves_its_opportunity_to_won() {
    let outcome = map_with("dealhub", &fixture("dealhub"));
    assert_maps_to(
        &outcome,
        r#"{"title": "Example Corp - Platform renewal", "amount": 48000.00, "currency": "USD", "stage": "Won",
            "external_id": "OPP-778899",
            "custom_fields": {"source_system": "dealhub", "dealhub_quote_id": "Q-000123"}}"#,
    );
    assert_eq!(outcome.idempotency_key.as_deref(), Some("evt-0004-quote-won"));
}

#[test]
fn dealhub_quote_events_follow_the_stage_table_and_unlisted_ones_leave_the_stage() {
    let table = [
        ("draftQuote", None),
        ("quoteReady", Some("Proposal Sent")),
        ("quotePublished", Some("Proposal Sent")),
        ("quotePendingApproval", Some("Negotiation")),
        ("quoteRejected", None),
        ("quoteWon", Some("Won")),
    ];
    for (event, stage) in table {
        let mut body = fixture("dealhub");
        body["event_type"] = Value::from(event);
        let outcome = map_with("dealhub", &body);
        assert_eq!(outcome.payload.get("stage").and_then(Value::as_str), stage, "{event}");
        assert_eq!(outcome.payload["external_id"], "OPP-778899", "{event}");
        let notes: Vec<String> = outcome.notes.iter().map(ToString::to_string).collect();
        let expected: Vec<String> = match stage {
            Some(_) => vec![],
            None => vec![format!("stage: no entry for {event} in the table")],
        };
        assert_eq!(notes, expected, "{event}");
    }
}

#[test]
fn dealhub_event_types_are_found_inside_event_info_too() {
    let mut body = fixture("dealhub");
    let Value::Object(map) = &mut body else { unreachable!() };
    map.remove("event_type");
    body["event_info"]["event_type"] = Value::from("quotePendingApproval");
    assert_eq!(map_with("dealhub", &body).payload["stage"], "Negotiation");
}

#[test]
fn a_dealhub_event_without_a_quote_name_is_titled_after_its_opportunity() {
    let mut body = fixture("dealhub");
    let Value::Object(map) = &mut body else { unreachable!() };
    map.remove("dealhub_quote_name");
    assert_eq!(map_with("dealhub", &body).payload["title"], "DealHub opportunity OPP-778899");
}
