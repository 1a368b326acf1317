//! Inbound body details that real senders produce (issue 10 item 6): a byte-order mark,
//! compressed bodies verified as sent, decompression bombs, unsupported codings, and dates that
//! do not exist — the last walked through every place a date is parsed.

use std::io::Write;

use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::*;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A way of compressing a body.
type Compress = fn(&[u8]) -> Vec<u8>;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn raw_deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// POSTs `body` exactly as given, signed over `signed`, with a `Content-Encoding` if any.
async fn post(app: &TestApp, source: &TestSource, body: &[u8], signed: &[u8], encoding: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url(&format!("/deal-flow/settings/inbound-webhooks/{}/receive", source.id)))
        .header("Content-Type", "application/json")
        .header("X-DealFlow-Signature", sign(&source.secret, signed))
        .body(body.to_vec());
    if let Some(encoding) = encoding {
        request = request.header("Content-Encoding", encoding);
    }
    request.send().await.unwrap()
}

/// Sends `body` signed over its own bytes, asserts 201 and the deal's title.
async fn assert_accepted(app: &TestApp, source: &TestSource, body: &[u8], encoding: Option<&str>, title: &str) {
    let response = post(app, source, body, body, encoding).await;
    assert_eq!(response.status(), 201, "{encoding:?}");
    assert_eq!(json(response).await["deal"]["title"], title, "{encoding:?}");
}

#[tokio::test]
async fn a_byte_order_mark_is_skipped_after_the_signature_is_checked_over_it() {
    let app = spawn_app().await;
    let source = app.create_source("Windows sender").await;
    let json_text = br#"{"title":"With a BOM","contact":{"email":"bom@example.com"}}"#;
    let body = [BOM, json_text].concat();

    let signed_without_it = post(&app, &source, &body, json_text, None).await;
    error_body(signed_without_it, 403).await;
    assert_accepted(&app, &source, &body, None, "With a BOM").await;
}

#[tokio::test]
async fn gzip_and_deflate_bodies_are_verified_as_sent_then_decoded() {
    let app = spawn_app().await;
    let source = app.create_source("Compressing sender").await;
    let cases: [(&str, Compress); 4] = [("gzip", gzip), ("x-gzip", gzip), ("deflate", zlib), ("deflate", raw_deflate)];

    for (i, (encoding, compress)) in cases.into_iter().enumerate() {
        let title = format!("Compressed {i}");
        let json_text = json!({ "title": title, "amount": 10 }).to_string();
        let body = compress(json_text.as_bytes());
        let head = app.head();

        // Signed over the decoded JSON: refused, so nothing decoded the body before the check.
        let signed_decoded = post(&app, &source, &body, json_text.as_bytes(), Some(encoding)).await;
        error_body(signed_decoded, 403).await;
        assert_eq!(app.head(), head);

        assert_accepted(&app, &source, &body, Some(encoding), &title).await;
    }
    let with_bom = gzip(&[BOM, br#"{"title":"Zipped BOM"}"#].concat());
    assert_accepted(&app, &source, &with_bom, Some("gzip"), "Zipped BOM").await;
}

#[tokio::test]
async fn a_gzip_bomb_is_413_and_the_server_stays_up() {
    let app = spawn_app().await;
    let source = app.create_source("Bomber").await;
    let bomb = gzip(&vec![0_u8; 10 << 20]);
    assert!(bomb.len() < 64 << 10, "the bomb itself is small: {} bytes", bomb.len());
    let head = app.head();

    let response = post(&app, &source, &bomb, &bomb, Some("gzip")).await;

    let error = error_body(response, 413).await;
    assert_eq!(error["details"]["limit_bytes"], 1 << 20, "{error}");
    assert_eq!(app.head(), head);
    assert_eq!(app.get("/health").await.status(), 200);
    assert_accepted(&app, &source, &gzip(br#"{"title":"After the bomb"}"#), Some("gzip"), "After the bomb").await;
}

#[tokio::test]
async fn a_body_just_over_the_cap_once_decoded_is_413() {
    let app = spawn_app_with(|s| s.ingest.body_limit = 1024).await;
    let source = app.create_source("Capped").await;
    let fits = format!(r#"{{"title":"Fits"}}{}"#, " ".repeat(1024 - 16));
    let too_big = format!("{fits} ");

    assert_accepted(&app, &source, &gzip(fits.as_bytes()), Some("gzip"), "Fits").await;
    let compressed = gzip(too_big.as_bytes());
    error_body(post(&app, &source, &compressed, &compressed, Some("gzip")).await, 413).await;
}

#[tokio::test]
async fn an_unsupported_content_encoding_is_415_naming_it() {
    let app = spawn_app().await;
    let source = app.create_source("Exotic").await;
    let body = br#"{"title":"Encoded"}"#;
    let head = app.head();

    for encoding in ["br", "compress", "zstd", "gzip, br"] {
        let response = post(&app, &source, body, body, Some(encoding)).await;
        let error = error_body(response, 415).await;
        let named = encoding.rsplit(", ").next().unwrap();
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(&format!("{named:?} is not supported")), "{encoding}: {message}");
    }
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn a_body_that_is_not_what_its_content_encoding_says_is_400() {
    let app = spawn_app().await;
    let source = app.create_source("Confused").await;
    let body = br#"{"title":"Not zipped"}"#;

    let error = error_body(post(&app, &source, body, body, Some("gzip")).await, 400).await;
    assert!(error["message"].as_str().unwrap().contains("not valid gzip data"), "{error}");
}

/// Every place a date is parsed, with the date under test in it; answers the refusal's message.
async fn date_refusals(app: &TestApp, source: &TestSource, date: &str) -> Vec<(String, String)> {
    let deal = app.create_deal(json!({ "title": "Dated" })).await;
    let mut refusals = Vec::new();
    let mut refused = |place: &str, error: Value, field: &str| {
        let message = error["details"][field][0].as_str().unwrap_or_else(|| panic!("{place}: {error}")).to_owned();
        refusals.push((place.to_owned(), message));
    };
    let inbound = app.post_inbound(source, &json!({ "title": "Dated", "close_date": date })).await;
    refused("inbound close_date", error_body(inbound, 422).await, "close_date");
    let new =
        app.send_json(reqwest::Method::POST, "/api/deals/new", &json!({ "title": "D", "close_date": date })).await;
    refused("POST /api/deals/new", error_body(new, 422).await, "close_date");
    let edit_path = format!("/api/deals/{}/edit", deal["id"]);
    let edit = app.send_json(reqwest::Method::PATCH, &edit_path, &json!({ "close_date": date })).await;
    refused("PATCH /api/deals/{id}/edit", error_body(edit, 422).await, "close_date");
    let task_path = format!("/api/deals/{}/tasks/new", deal["id"]);
    let task = app.send_json(reqwest::Method::POST, &task_path, &json!({ "title": "Call", "due_date": date })).await;
    refused("POST /api/deals/{id}/tasks/new", error_body(task, 422).await, "due_date");
    for filter in ["close_date_from", "close_date_to"] {
        let listing = app.admin_get(&format!("/api/deals?{filter}={date}")).await;
        refused(filter, error_body(listing, 400).await, filter);
    }
    refusals
}

#[tokio::test]
async fn a_date_that_does_not_exist_is_called_so_wherever_a_date_is_read() {
    let app = spawn_app().await;
    let source = app.create_source("Calendar").await;

    for (place, message) in date_refusals(&app, &source, "2026-02-30").await {
        assert_eq!(
            message,
            "2026-02-30 is a date that does not exist (February 2026 has 28 days); check the day and the month",
            "{place}"
        );
    }
}

#[tokio::test]
async fn a_year_before_1900_is_refused_wherever_a_date_is_read() {
    let app = spawn_app().await;
    let source = app.create_source("Antiques").await;

    for (place, message) in date_refusals(&app, &source, "1899-12-31").await {
        assert_eq!(message, "1899-12-31 is before 1900-01-01; give a year from 1900 on", "{place}");
    }
    let accepted =
        app.post_inbound(&source, &json!({ "title": "Turn of the century", "close_date": "1900-01-01" })).await;
    assert_eq!(accepted.status(), 201);
}
