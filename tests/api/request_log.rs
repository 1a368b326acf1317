//! The request log of each inbound source (issue 11, item 6): one row per request that reached
//! a known source, with its status and reason, never its body or signature.

use api::Role;
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::*;

const MARKER: &str = "BODY-MARKER-7f3c";

impl TestApp {
    /// POSTs raw bytes to a source with extra headers (the signature among them, if any).
    async fn post_with_headers(&self, source_id: u64, body: &[u8], headers: &[(&str, &str)]) -> Response {
        let mut request = self
            .client
            .post(self.url(&format!("/deal-flow/settings/inbound-webhooks/{source_id}/receive")))
            .header("Content-Type", "application/json")
            .body(body.to_vec());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    /// A source's request log page as the admin reads it.
    async fn requests(&self, source_id: u64, query: &str) -> Value {
        let response = self.admin_get(&format!("/api/sources/{source_id}/requests{query}")).await;
        assert_eq!(response.status(), 200);
        json(response).await
    }
}

type Expected = Vec<(u16, &'static str, String)>;

/// Sends a request down every exit path of the endpoint and answers (status, outcome, reason
/// fragment) of each, oldest first, and every signature sent.
async fn one_request_per_exit_path(app: &TestApp, source: &TestSource) -> (Expected, Vec<String>) {
    let mut expected = Vec::new();
    let mut signatures = Vec::new();
    let mut send = async |body: &[u8], headers: &[(&str, &str)], status: u16, outcome: &'static str, reason: &str| {
        signatures
            .extend(headers.iter().filter(|(name, _)| name.starts_with("X-DealFlow")).map(|(_, v)| v.to_string()));
        let response = app.post_with_headers(source.id, body, headers).await;
        assert_eq!(response.status(), status, "{outcome}: {}", response.text().await.unwrap());
        expected.push((status, outcome, reason.to_owned()));
    };
    let valid = format!(r#"{{"title":"{MARKER} deal","external_id":"ext-1"}}"#);
    let signed = sign(&source.secret, valid.as_bytes());
    let wrong = sign("not-the-secret", valid.as_bytes());
    send(valid.as_bytes(), &[("X-DealFlow-Signature", &wrong)], 403, "refused", "verification failed").await;
    send(valid.as_bytes(), &[], 403, "refused", "verification failed").await;
    let large = format!(r#"{{"title":"{}"}}"#, MARKER.repeat(200));
    send(
        large.as_bytes(),
        &[("X-DealFlow-Signature", &sign(&source.secret, large.as_bytes()))],
        413,
        "too_large",
        "limit",
    )
    .await;
    let encoded = [("X-DealFlow-Signature", signed.as_str()), ("Content-Encoding", "br")];
    send(valid.as_bytes(), &encoded, 415, "unsupported", "br").await;
    let not_json = format!("{MARKER} is not JSON");
    send(
        not_json.as_bytes(),
        &[("X-DealFlow-Signature", &sign(&source.secret, not_json.as_bytes()))],
        400,
        "invalid",
        "",
    )
    .await;
    let invalid = format!(r#"{{"amount":-1,"contact":{{"email":"{MARKER}"}}}}"#);
    let invalid_signature = sign(&source.secret, invalid.as_bytes());
    send(invalid.as_bytes(), &[("X-DealFlow-Signature", &invalid_signature)], 422, "invalid", "invalid: ").await;
    let keyed = [("X-DealFlow-Signature", signed.as_str()), ("Idempotency-Key", "key-abc")];
    send(valid.as_bytes(), &keyed, 201, "created", "").await;
    send(valid.as_bytes(), &keyed, 201, "replayed", "duplicate key key-abc").await;
    let update = format!(r#"{{"title":"{MARKER} renamed","external_id":"ext-1"}}"#);
    send(update.as_bytes(), &[("X-DealFlow-Signature", &sign(&source.secret, update.as_bytes()))], 200, "updated", "")
        .await;
    (expected, signatures)
}

#[tokio::test]
async fn every_exit_path_records_one_row_with_its_status_and_reason_and_never_the_body_or_signature() {
    let app = spawn_app_with(|settings| settings.ingest.body_limit = 1024).await;
    let source = app.create_source("Every path").await;

    let (expected, signatures) = one_request_per_exit_path(&app, &source).await;

    let log = app.requests(source.id, "").await;
    let rows = log["requests"].as_array().unwrap();
    assert_eq!(log["total"], expected.len(), "{log:#}");
    let newest_first: Vec<_> = expected.iter().rev().collect();
    for (row, (status, outcome, reason)) in rows.iter().zip(newest_first) {
        assert_eq!(row["status"], *status, "{row}");
        assert_eq!(row["outcome"], *outcome, "{row}");
        let text = row["reason"].as_str().unwrap_or_default();
        assert!(text.contains(reason.as_str()), "reason {text:?} lacks {reason:?}");
        assert!(row["received_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{row}");
    }
    let invalid = &rows[3];
    assert_eq!(invalid["reason"], "invalid: amount, contact.email, title", "{invalid}");
    let (created, replayed, updated) = (&rows[2], &rows[1], &rows[0]);
    assert_eq!(created["idempotency_key"], "key-abc");
    assert!(created["deal_id"].is_u64(), "{created}");
    assert_eq!(replayed["deal_id"], created["deal_id"]);
    assert_eq!(updated["deal_id"], created["deal_id"]);
    let not_json = &rows[4];
    assert_eq!(not_json["body_size"], format!("{MARKER} is not JSON").len());
    let text = log.to_string();
    assert!(!text.contains(MARKER), "a body leaked into the log: {text}");
    assert!(!text.contains(&source.secret), "the secret leaked into the log");
    for signature in signatures {
        let hex = signature.trim_start_matches("sha256=");
        assert!(!text.contains(hex), "a signature leaked into the log: {text}");
    }
}

#[tokio::test]
async fn an_unpublished_source_logs_the_refusal_and_an_unknown_source_logs_nothing() {
    let app = spawn_app().await;
    let source = app.create_source("Paused").await;
    let other = app.create_source("Other").await;
    let unpublish = app
        .as_admin(reqwest::Method::PATCH, &format!("/api/sources/{}/edit", source.id))
        .json(&json!({ "is_published": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(unpublish.status(), 200);

    let refused = app.post_inbound(&source, &json!({ "title": "x" })).await;
    let unknown = app.post_with_headers(999, b"{}", &[]).await;

    assert_eq!((refused.status().as_u16(), unknown.status().as_u16()), (403, 404));
    let log = app.requests(source.id, "").await;
    assert_eq!(log["total"], 1);
    assert_eq!(log["requests"][0]["outcome"], "refused");
    assert!(log["requests"][0]["reason"].as_str().unwrap().contains("unpublished"), "{log}");
    assert_eq!(app.requests(other.id, "").await["total"], 0);
}

#[tokio::test]
async fn the_status_filter_keeps_successes_failures_or_one_outcome_and_refuses_other_values() {
    let app = spawn_app().await;
    let source = app.create_source("Filtered").await;
    for title in ["one", "two"] {
        assert_eq!(app.post_inbound(&source, &json!({ "title": title })).await.status(), 201);
    }
    for _ in 0..3 {
        assert_eq!(app.post_inbound_raw(source.id, b"{}", None).await.status(), 403);
    }
    app.post_inbound(&source, &json!({ "amount": 5 })).await;

    let count = async |query: &str| app.requests(source.id, query).await["total"].clone();
    assert_eq!(count("?status=success").await, 2);
    assert_eq!(count("?status=failed").await, 4);
    assert_eq!(count("?status=refused").await, 3);
    assert_eq!(count("?status=invalid").await, 1);
    assert_eq!(count("?status=created").await, 2);
    let page = app.requests(source.id, "?status=failed&start=1&limit=2").await;
    assert_eq!((page["total"].clone(), page["requests"].as_array().unwrap().len()), (json!(4), 2));
    assert_eq!(page["requests"][0]["outcome"], "refused");
    let bogus = app.admin_get(&format!("/api/sources/{}/requests?status=ok", source.id)).await;
    let error = error_body(bogus, 400).await;
    assert!(error["message"].as_str().unwrap().contains("too_large"), "{error}");
}

#[tokio::test]
async fn analysts_read_the_request_log_and_unknown_sources_are_404() {
    let app = spawn_app().await;
    let source = app.create_source("Read").await;
    app.post_inbound_raw(source.id, b"{}", None).await;
    let password = app.add_user("ana", Role::Analyst).await;

    let read = app
        .client
        .get(app.url(&format!("/api/sources/{}/requests", source.id)))
        .basic_auth("ana", Some(&password))
        .send()
        .await
        .unwrap();
    let unknown = app.admin_get("/api/sources/999/requests").await;

    assert_eq!(read.status(), 200);
    assert_eq!(json(read).await["total"], 1);
    error_body(unknown, 404).await;
}

#[tokio::test]
async fn housekeeping_keeps_the_newest_rows_of_each_source_up_to_the_configured_count() {
    let app = spawn_app_with(|settings| settings.ingest.request_log_max_rows = 3).await;
    let source = app.create_source("Busy").await;
    for n in 0..5 {
        app.post_inbound(&source, &json!({ "title": format!("deal {n}") })).await;
    }
    let newest = app.requests(source.id, "").await["requests"][0]["id"].clone();

    let pruned = app.ingest.prune_request_log(chrono::Utc::now()).await.unwrap();

    assert_eq!(pruned, 2);
    let log = app.requests(source.id, "").await;
    assert_eq!(log["total"], 3);
    assert_eq!(log["requests"][0]["id"], newest);
}

#[tokio::test]
async fn housekeeping_drops_rows_older_than_the_configured_days() {
    let app = spawn_app_with(|settings| settings.ingest.request_log_days = 7).await;
    let source = app.create_source("Old").await;
    app.post_inbound(&source, &json!({ "title": "kept a week" })).await;
    app.post_inbound_raw(source.id, b"{}", None).await;
    let now = chrono::Utc::now();

    let within = app.ingest.prune_request_log(now + chrono::Duration::days(6)).await.unwrap();
    let after = app.ingest.prune_request_log(now + chrono::Duration::days(8)).await.unwrap();

    assert_eq!((within, after), (0, 2));
    assert_eq!(app.requests(source.id, "").await["total"], 0);
}
