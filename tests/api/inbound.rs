//! The signed inbound endpoint (SPEC §5, issue 3).

use std::process::Command;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

fn spec_example() -> Value {
    json!({ "title": "Acme Corp - Enterprise Plan", "amount": 15000, "close_date": "2026-06-30",
            "contact": { "email": "jane@acme.com", "first_name": "Jane", "last_name": "Doe", "company": "Acme Corp" },
            "custom_fields": { "source_system": "typeform", "form_id": "abc123" } })
}

#[tokio::test]
async fn the_spec_example_creates_a_deal_and_a_contact_after_they_are_durable() {
    let app = spawn_app().await;
    let source = app.create_source("Typeform").await;

    let response = app.post_inbound(&source, &spec_example()).await;

    assert_eq!(response.status(), 201);
    let body = json(response).await;
    assert_eq!(body["created"], true);
    assert_eq!(body["deal"]["title"], "Acme Corp - Enterprise Plan");
    assert_eq!(body["deal"]["amount"], 15000);
    assert_eq!(body["deal"]["status"], "open");
    assert_eq!(body["deal"]["stage"]["name"], "Lead In");
    assert_eq!(body["deal"]["pipeline"]["name"], "Main Pipeline");
    assert_eq!(body["contact"]["email"], "jane@acme.com");
    assert_eq!(body["contact"]["created"], true);
    let deal_stream = format!("deal-{}", body["deal"]["id"]);
    let types: Vec<_> =
        eventlog::EventLog::read_stream(&app.log, &deal_stream, 1).unwrap().into_iter().map(|e| e.event_type).collect();
    assert_eq!(types, ["deal.created", "deal.contact_added"]);
    assert_eq!(app.events_of_type("inbound.received").len(), 1);
}

#[tokio::test]
async fn amounts_keep_their_exact_decimal_text() {
    let app = spawn_app().await;
    let source = app.create_source("Form").await;

    let response = app.post_inbound_raw(source.id, br#"{"title":"Cents","amount":19.99}"#, None).await;
    assert_eq!(response.status(), 403);
    let body = br#"{"title":"Cents","amount":19.99}"#;
    let response = app.post_inbound_raw(source.id, body, Some(&sign(&source.secret, body))).await;

    let text = response.text().await.unwrap();
    assert!(text.contains(r#""amount":19.99"#), "{text}");
}

#[tokio::test]
async fn the_node_sender_snippet_produces_a_header_the_server_accepts() {
    let app = spawn_app().await;
    let source = app.create_source("Node sender").await;
    let body = r#"{"title":"From Node","amount":42.5,"contact":{"email":"node@example.com"}}"#;
    // SPEC §5's Node snippet, run by the machine's node.
    let script = "const crypto = require('crypto'); const [secret, body] = process.argv.slice(1); \
                  const sig = 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex'); \
                  process.stdout.write(sig);";
    let output = Command::new("node").args(["-e", script, &source.secret, body]).output().expect("node is installed");
    let node_signature = String::from_utf8(output.stdout).unwrap();

    let response = app.post_inbound_raw(source.id, body.as_bytes(), Some(&node_signature)).await;

    assert_eq!(response.status(), 201);
    assert_eq!(node_signature, sign(&source.secret, body.as_bytes()), "PHP's hash_hmac gives the same hex");
}

#[tokio::test]
async fn the_sign_command_signs_the_exact_bytes_of_a_file() {
    let app = spawn_app().await;
    let source = app.create_source("curl").await;
    let file = app._dir.path().join("body.json");
    std::fs::write(&file, b"{ \"title\": \"Signed by the CLI\" }\n").unwrap();

    let output = app.run_cli(&["sign", "--secret", &source.secret, file.to_str().unwrap()]);
    let signature = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let response = app.post_inbound_raw(source.id, &std::fs::read(&file).unwrap(), Some(&signature)).await;

    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn twenty_concurrent_first_requests_with_one_new_email_create_one_contact() {
    let app = spawn_app().await;
    let source = app.create_source("Burst").await;
    let requests = (0..20).map(|i| {
        let payload = json!({ "title": format!("Deal {i}"), "contact": { "email": if i % 2 == 0 { "New@Example.com" } else { "new@example.COM" } } });
        let (app, source) = (&app, &source);
        async move { json(app.post_inbound(source, &payload).await).await }
    });

    let answers = futures::future::join_all(requests).await;

    let contact_ids: std::collections::HashSet<_> =
        answers.iter().map(|a| a["contact"]["id"].as_u64().unwrap()).collect();
    assert_eq!(contact_ids.len(), 1, "{answers:?}");
    assert_eq!(answers.iter().filter(|a| a["contact"]["created"] == true).count(), 1);
    assert_eq!(app.events_of_type("contact.created").len(), 1);
    assert_eq!(app.events_of_type("deal.created").len(), 20);
}

#[tokio::test]
async fn a_repeated_idempotency_key_creates_one_deal_and_gets_the_same_answer() {
    let app = spawn_app().await;
    let source = app.create_source("Retrying sender").await;
    let payload = json!({ "title": "Only once" });

    let first = app.post_inbound_with(&source, &payload, &[("Idempotency-Key", "order-77")]).await;
    let (first_status, first_body) = (first.status(), first.text().await.unwrap());
    let head = app.head();
    let second = app.post_inbound_with(&source, &payload, &[("Idempotency-Key", "order-77")]).await;
    let by_webhook_id = app.post_inbound_with(&source, &payload, &[("webhook-id", "msg_1")]).await;

    assert_eq!(second.status(), first_status);
    assert_eq!(second.text().await.unwrap(), first_body);
    assert_eq!(app.events_of_type("deal.created").len(), 2, "the webhook-id request is another key");
    assert_eq!(app.head(), head + 2, "the repeat appended nothing; the webhook-id request two events");
    assert_eq!(by_webhook_id.status(), 201);
}

#[tokio::test]
async fn a_reused_idempotency_key_with_another_body_is_refused() {
    let app = spawn_app().await;
    let source = app.create_source("Confused sender").await;
    app.post_inbound_with(&source, &json!({ "title": "A" }), &[("Idempotency-Key", "k1")]).await;
    let head = app.head();

    let response = app.post_inbound_with(&source, &json!({ "title": "B" }), &[("Idempotency-Key", "k1")]).await;

    let error = error_body(response, 422).await;
    assert!(error["details"]["Idempotency-Key"].is_array());
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn an_update_by_external_id_changes_only_the_fields_present() {
    let app = spawn_app().await;
    let source = app.create_source("CRM sync").await;
    let created =
        json(app.post_inbound(&source, &json!({ "external_id": "crm-1", "title": "Acme", "amount": 100 })).await).await;

    let response =
        app.post_inbound(&source, &json!({ "external_id": "crm-1", "amount": 250.5, "stage": "Qualified" })).await;

    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["created"], false);
    assert_eq!(body["deal"]["id"], created["deal"]["id"]);
    assert_eq!(body["deal"]["title"], "Acme");
    assert_eq!(body["deal"]["amount"], 250.5);
    assert_eq!(body["deal"]["stage"]["name"], "Qualified");
    assert_eq!(app.events_of_type("deal.updated").len(), 1);
    assert_eq!(app.events_of_type("deal.stage_changed").len(), 1);
}

#[tokio::test]
async fn an_update_by_external_id_that_changes_nothing_appends_nothing() {
    let app = spawn_app().await;
    let source = app.create_source("CRM sync").await;
    let payload =
        json!({ "external_id": "crm-2", "title": "Same", "amount": 10, "contact": { "email": "same@example.com" } });
    app.post_inbound(&source, &payload).await;
    let head = app.head();

    let response = app
        .post_inbound(
            &source,
            &json!({ "external_id": "crm-2", "title": "Same", "amount": 10.00,
        "contact": { "email": "SAME@example.com", "first_name": "Ignored" } }),
        )
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(app.head(), head, "nothing was appended");
}

#[tokio::test]
async fn a_stage_and_pipeline_can_be_named_on_creation() {
    let app = spawn_app().await;
    let source = app.create_source("Won deals").await;

    let body =
        json(app.post_inbound(&source, &json!({ "title": "Closed", "stage": "won", "pipeline_id": 1 })).await).await;

    assert_eq!(body["deal"]["status"], "won");
    assert_eq!(body["deal"]["stage"]["type"], "won");
}

async fn assert_refused_unchanged(app: &TestApp, response: reqwest::Response, status: u16) -> Value {
    let head = app.head();
    let error = error_body(response, status).await;
    assert_eq!(app.head(), head, "a refused request stores nothing");
    error
}

#[tokio::test]
async fn unknown_and_unpublished_sources_are_refused() {
    let app = spawn_app().await;
    let source = app.create_source("Paused").await;
    app.as_admin(reqwest::Method::PATCH, &format!("/api/sources/{}/edit", source.id))
        .json(&json!({ "is_published": false }))
        .send()
        .await
        .unwrap();
    let head = app.head();

    let unknown = app.post_inbound_raw(999, b"{}", Some("sha256=00")).await;
    let not_numeric = app.post_inbound_raw(0, b"{}", None).await;
    let unpublished = app.post_inbound(&source, &json!({ "title": "x" })).await;

    assert_refused_unchanged(&app, unknown, 404).await;
    assert_refused_unchanged(&app, not_numeric, 404).await;
    assert_refused_unchanged(&app, unpublished, 403).await;
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn every_kind_of_bad_signature_is_403_and_stores_nothing() {
    let app = spawn_app().await;
    let source = app.create_source("Signed").await;
    let other = app.create_source("Other").await;
    let body = br#"{"title":"Forged"}"#;
    let good = sign(&source.secret, body);
    let head = app.head();

    let cases = [
        ("no header", None),
        ("wrong scheme", Some(good.replace("sha256=", "sha1="))),
        ("no scheme", Some(good.trim_start_matches("sha256=").to_owned())),
        ("not hex", Some(format!("sha256={}", "zz".repeat(32)))),
        ("another body", Some(sign(&source.secret, br#"{"title":"Other"}"#))),
        ("another source's secret", Some(sign(&other.secret, body))),
    ];
    for (case, signature) in cases {
        let response = app.post_inbound_raw(source.id, body, signature.as_deref()).await;
        assert_eq!(response.status(), 403, "{case}");
        error_body(response, 403).await;
    }
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_without_being_read_whole() {
    let app = spawn_app_with(|s| s.ingest.body_limit = 1024).await;
    let source = app.create_source("Big").await;
    let big = format!(r#"{{"title":"{}"}}"#, "x".repeat(2000));
    let head = app.head();

    let response = app.post_inbound_raw(source.id, big.as_bytes(), Some(&sign(&source.secret, big.as_bytes()))).await;
    assert_refused_unchanged(&app, response, 413).await;

    // Declare ten megabytes, send a few bytes, and expect the answer without sending the rest.
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST /deal-flow/settings/inbound-webhooks/{}/receive HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: 10000000\r\nX-DealFlow-Signature: sha256=00\r\n\r\n{{\"title\":",
        source.id
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0_u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer)).await;
    let answer =
        String::from_utf8_lossy(&answer[..read.expect("answered before the body was sent").unwrap()]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn bodies_that_are_not_json_objects_are_400() {
    let app = spawn_app().await;
    let source = app.create_source("Sloppy").await;

    for body in [&b""[..], b"   ", b"{not json", b"[1, 2]", b"\"text\"", b"null"] {
        let response = app.post_inbound_raw(source.id, body, Some(&sign(&source.secret, body))).await;
        assert_refused_unchanged(&app, response, 400).await;
    }
}

#[tokio::test]
async fn invalid_payloads_are_422_listing_every_bad_field_at_once() {
    let app = spawn_app().await;
    let source = app.create_source("Validated").await;
    let bad = json!({
        "title": "x".repeat(256), "amount": 1.23456, "close_date": "2026-13-01",
        "contact": { "email": "not-an-email" }, "custom_fields": { "nested": { "a": 1 } }, "stage": "Nowhere",
    });

    let response = app.post_inbound(&source, &bad).await;

    let error = assert_refused_unchanged(&app, response, 422).await;
    let fields: Vec<_> = error["details"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(fields, ["amount", "close_date", "contact.email", "custom_fields.nested", "stage", "title"]);
}

#[tokio::test]
async fn each_invalid_field_alone_is_422_naming_it() {
    let app = spawn_app().await;
    let source = app.create_source("One by one").await;
    let cases = [
        (json!({ "amount": 5 }), "title"),
        (json!({ "title": "x".repeat(256) }), "title"),
        (json!({ "title": "t", "amount": -1 }), "amount"),
        (json!({ "title": "t", "amount": "lots" }), "amount"),
        (json!({ "title": "t", "amount": 0.00001 }), "amount"),
        (json!({ "title": "t", "close_date": "tomorrow" }), "close_date"),
        (json!({ "title": "t", "contact": { "email": "jane@" } }), "contact.email"),
        (json!({ "title": "t", "contact": { "first_name": "Jane" } }), "contact.email"),
        (json!({ "title": "t", "custom_fields": { "list": [1, 2] } }), "custom_fields.list"),
        (json!({ "title": "t", "stage": "Imaginary" }), "stage"),
        (json!({ "title": "t", "pipeline_id": 999 }), "pipeline_id"),
    ];
    for (payload, field) in cases {
        let response = app.post_inbound(&source, &payload).await;
        let error = assert_refused_unchanged(&app, response, 422).await;
        assert!(error["details"][field].is_array(), "{payload} should name {field}: {error}");
    }
}
