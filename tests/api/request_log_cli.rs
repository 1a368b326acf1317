//! `dealflow sources list|show|rotate|log|test` against the database of a running server.

use std::process::Output;

use serde_json::json;

use crate::helpers::*;

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "dealflow failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn sources_list_and_show_print_what_the_api_shows() {
    let app = spawn_app().await;
    let source = app.create_source("Website form").await;

    let list = stdout(&app.run_cli(&["sources", "list"]));
    let show = stdout(&app.run_cli(&["sources", "show", &source.id.to_string()]));
    let missing = app.run_cli(&["sources", "show", "999"]);

    assert!(list.contains(&format!("{}\tpublished\tWebsite form\t", source.id)), "{list}");
    assert!(list.contains(&format!("/deal-flow/settings/inbound-webhooks/{}/receive", source.id)), "{list}");
    let shown: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(shown["source"]["name"], "Website form");
    assert!(!show.contains(&source.secret), "show must not print the secret");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("source 999 does not exist"));
}

#[tokio::test]
async fn sources_rotate_prints_a_new_secret_that_signs_requests() {
    let app = spawn_app().await;
    let source = app.create_source("Rotated").await;

    let output = stdout(&app.run_cli(&["sources", "rotate", &source.id.to_string()]));

    let secret = output.lines().find_map(|line| line.strip_prefix("secret:")).unwrap().trim().to_owned();
    assert_ne!(secret, source.secret);
    let rotated = TestSource { id: source.id, secret };
    assert_eq!(app.post_inbound(&rotated, &json!({ "title": "signed anew" })).await.status(), 201);
}

#[tokio::test]
async fn sources_log_prints_each_request_with_its_outcome_and_filters_by_status() {
    let app = spawn_app().await;
    let source = app.create_source("Logged").await;
    app.post_inbound_with(&source, &json!({ "title": "first" }), &[("Idempotency-Key", "k-1")]).await;
    app.post_inbound_raw(source.id, b"{}", Some("sha256=00")).await;
    // The refusal's row is stored off the request's path; the API's read stores what is queued.
    app.admin_get(&format!("/api/sources/{}/requests", source.id)).await;

    let all = stdout(&app.run_cli(&["sources", "log", &source.id.to_string()]));
    let failed = stdout(&app.run_cli(&["sources", "log", &source.id.to_string(), "--status", "failed"]));
    let limited = stdout(&app.run_cli(&["sources", "log", &source.id.to_string(), "--limit", "1"]));
    let bogus = app.run_cli(&["sources", "log", &source.id.to_string(), "--status", "ok"]);

    assert!(all.starts_with("2 of 2 requests"), "{all}");
    let lines: Vec<_> = all.lines().skip(1).collect();
    assert!(lines[0].contains("\t403\trefused\t") && lines[0].contains("verification failed"), "{all}");
    assert!(lines[1].contains("\t201\tcreated\t") && lines[1].contains("key=k-1"), "{all}");
    assert!(failed.starts_with("1 of 1 requests") && failed.contains("refused"), "{failed}");
    assert_eq!(limited.lines().count(), 2, "{limited}");
    assert!(!bogus.status.success());
    assert!(String::from_utf8_lossy(&bogus.stderr).contains("success, failed"));
}

#[tokio::test]
async fn sources_test_prints_the_deal_a_body_would_make_or_its_field_errors_and_stores_nothing() {
    let app = spawn_app().await;
    let source = app.create_source("Preview").await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, r#"{"title":"Acme","amount":15000,"contact":{"email":"jane@acme.com"}}"#).unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"amount":-1,"contact":{"email":"nope"}}"#).unwrap();
    let head = app.head();

    let preview = stdout(&app.run_cli(&["sources", "test", &source.id.to_string(), good.to_str().unwrap()]));
    let refused = app.run_cli(&["sources", "test", &source.id.to_string(), bad.to_str().unwrap()]);

    let preview: serde_json::Value = serde_json::from_str(&preview).unwrap();
    assert_eq!(preview["deal"]["title"], "Acme");
    assert_eq!(preview["deal"]["amount"], 15000);
    assert_eq!(preview["deal"]["pipeline"]["id"], 1);
    assert_eq!(preview["contact"]["email"], "jane@acme.com");
    assert!(!refused.status.success());
    let errors = String::from_utf8_lossy(&refused.stdout);
    for field in ["amount", "contact.email", "title"] {
        assert!(errors.contains(field), "{field} missing from {errors}");
    }
    assert_eq!(app.head(), head, "a test stored events");
    assert_eq!(json(app.admin_get(&format!("/api/sources/{}/requests", source.id)).await).await["total"], 0);
}
