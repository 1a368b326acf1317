//! Issue 11, item 5: `POST /api/sources/{id}/mapping/test` answers what a sample body would
//! become, writes nothing, and goes through the same steps as the real request: for generated
//! bodies, the preview's deal is the deal the real request then creates.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::sender_helpers::*;

/// A Typeform submission with generated answers: a company (or none), an amount, a stage.
fn generated_typeform(seed: u64) -> Value {
    let mut body = fixture("typeform");
    body["event_id"] = json!(format!("01JXGENERATED{seed:06}"));
    body["form_response"]["token"] = json!(format!("token{seed:06}"));
    let stages = ["Qualified", "Proposal Sent", "Negotiation", "Won", "No such stage"];
    let answers = body["form_response"]["answers"].as_array_mut().unwrap();
    for answer in answers.iter_mut() {
        match answer["field"]["ref"].as_str().unwrap_or_default() {
            "email" => answer["email"] = json!(format!("lead{}@example{}.com", seed % 3, seed % 2)),
            "company" if seed.is_multiple_of(4) => answer["text"] = json!(""),
            "company" => answer["text"] = json!(format!("Company {seed}")),
            "amount" => answer["number"] = json!(seed * 137 % 50_000),
            "stage" => answer["choice"]["label"] = json!(stages[(seed % 5) as usize]),
            _ => {}
        }
    }
    if seed % 7 == 3 {
        answers.retain(|answer| answer["field"]["ref"] != "email");
    }
    body
}

/// The deal summary without its id (a creation's id is drawn when it is written).
fn without_id(mut deal: Value) -> Value {
    if let Some(deal) = deal.as_object_mut() {
        deal.remove("id");
    }
    deal
}

#[tokio::test]
async fn for_generated_bodies_the_preview_deal_is_the_deal_the_real_request_creates() {
    let app = spawn_app().await;
    let source = app.create_sender_source("typeform").await;

    for seed in 0..24 {
        let body = generated_typeform(seed);
        let head = app.head();
        let preview =
            app.post_ok(&format!("/api/sources/{}/mapping/test", source.id), &json!({ "body": body }), 200).await;
        assert_eq!(app.head(), head, "the preview writes nothing");

        let sent = serde_json::to_vec(&body).unwrap();
        let response = app.send_signed(&source, &sent, "application/json", &[]).await;
        let status = response.status().as_u16();
        let real = json(response).await;

        assert_eq!(status, preview["status"], "seed {seed}: the preview's status is the real one: {real}");
        if preview["valid"] == true {
            assert_eq!(without_id(real["deal"].clone()), without_id(preview["deal"].clone()), "seed {seed}");
            assert_eq!(real["contact"]["email"], preview["contact"]["email"], "seed {seed}");
            assert_eq!(real["contact"]["created"], preview["contact"]["created"], "seed {seed}");
        } else {
            assert_eq!(status, 422, "seed {seed}: {real}");
            assert_eq!(real["errors"][0]["details"], preview["problems"], "seed {seed}");
        }
    }
}

#[tokio::test]
async fn the_preview_shows_each_fields_value_and_origin_and_the_stage_table_notes() {
    let app = spawn_app().await;
    let source = app.create_sender_source("dealhub").await;
    let mut body = fixture("dealhub");
    body["event_type"] = json!("quoteRejected");

    let preview = app.post_ok(&format!("/api/sources/{}/mapping/test", source.id), &json!({ "body": body }), 200).await;

    assert_eq!(preview["valid"], true);
    assert_eq!(preview["deal"]["title"], "Example Corp - Platform renewal");
    assert_eq!(preview["deal"]["id"], Value::Null);
    assert_eq!(preview["deal"]["stage"]["name"], "Lead In");
    assert_eq!(preview["idempotency_key"], "evt-0004-quote-won");
    let external = preview["fields"].as_array().unwrap().iter().find(|f| f["field"] == "external_id").unwrap();
    assert_eq!(external["value"], "OPP-778899");
    assert_eq!(external["from"]["path"], "$.dealhub_opportunity_id", "{external}");
    assert_eq!(preview["notes"][0]["field"], "stage");
    assert!(preview["notes"][0]["message"].as_str().unwrap().contains("quoteRejected"), "{preview}");
    let stage = preview["fields"].as_array().unwrap().iter().find(|f| f["field"] == "stage").unwrap();
    assert_eq!(stage["table"]["quoteWon"], "Won", "the stage table is shown: {stage}");
    assert_eq!(stage["table"]["quotePendingApproval"], "Negotiation");
}

#[tokio::test]
async fn the_preview_lists_every_problem_per_field_and_can_try_an_unsaved_mapping_on_a_form() {
    let app = spawn_app().await;
    let source = app.create_source("Form").await;
    let path = format!("/api/sources/{}/mapping/test", source.id);

    let invalid = app.post_ok(&path, &json!({ "body": { "amount": -3, "contact": { "email": "nope" } } }), 200).await;
    let unsaved = json!({ "fields": {
        "title": { "template": "{{ company }} - {{ plan }}" },
        "amount": { "path": "$.budget" },
        "contact.email": { "path": "$.contact.email" }
    }, "decimal_separator": "," });
    let form = "company=Acme&plan=Pro&budget=1.500%2C50&contact%5Bemail%5D=jane%40acme.example";
    let mapped = app.post_ok(&path, &json!({ "body": form, "mapping": unsaved }), 200).await;

    assert_eq!(invalid["valid"], false);
    assert_eq!(invalid["status"], 422, "{invalid}");
    let problems: Vec<&String> = invalid["problems"].as_object().unwrap().keys().collect();
    assert_eq!(problems, ["amount", "contact.email", "title"]);
    assert_eq!(mapped["valid"], true, "{mapped}");
    assert_eq!(mapped["status"], 201, "{mapped}");
    assert_eq!(mapped["deal"]["title"], "Acme - Pro");
    assert_eq!(mapped["deal"]["amount"].as_f64(), Some(1500.5));
    assert_eq!(mapped["contact"]["email"], "jane@acme.example");
    let shown = app.get_ok(&format!("/api/sources/{}", source.id)).await;
    assert_eq!(shown["source"]["mapping"], Value::Null, "trying a mapping does not save it");
}

#[tokio::test]
async fn the_preview_of_a_repeated_delivery_says_it_is_a_duplicate() {
    let app = spawn_app().await;
    let source = app.create_sender_source("stripe").await;
    let body = fixture("stripe");
    let sent = app.send_signed(&source, &serde_json::to_vec(&body).unwrap(), "application/json", &[]).await;
    assert_eq!(sent.status(), 201);

    let preview = app.post_ok(&format!("/api/sources/{}/mapping/test", source.id), &json!({ "body": body }), 200).await;

    assert_eq!(preview["duplicate"], true);
    assert_eq!(preview["signature"], Value::Null, "no signature in the sample");
    assert_eq!(app.deals_created(), 1);
}

#[tokio::test]
async fn a_signature_copied_with_the_sample_is_checked_and_reported_without_stopping_the_preview() {
    let app = spawn_app().await;
    let source = app.create_sender_source("typeform").await;
    let body = json!({ "event_id": "e1", "form_response": { "definition": { "title": "Demo" } } });
    let (good, _) = signed(&source, body.to_string().as_bytes(), 0, "");
    let path = format!("/api/sources/{}/mapping/test", source.id);
    let headers = |value: &str| json!({ "Typeform-Signature": value });

    let valid = app.post_ok(&path, &json!({ "body": body, "headers": headers(&good[0].1) }), 200).await;
    let forged = app.post_ok(&path, &json!({ "body": body, "headers": headers("sha256=AAAA") }), 200).await;

    assert_eq!(valid["signature"], json!({ "valid": true }));
    assert_eq!(forged["signature"]["valid"], false);
    assert_eq!(forged["signature"]["reason"], "malformed");
    assert_eq!(forged["deal"]["title"], "Demo", "the preview runs either way");
}
