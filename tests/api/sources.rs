//! `/api/sources` and the `dealflow sources add` command (issue 3).

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_new_source_answers_its_secret_once_and_never_again() {
    let app = spawn_app().await;

    let response = app
        .as_admin(Method::POST, "/api/sources/new")
        .json(&json!({ "name": "Typeform", "default_pipeline_id": 1 }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], "/api/sources/1");
    let created = json(response).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64);
    assert_eq!(
        created["source"]["endpoint_url"],
        format!("{}/deal-flow/settings/inbound-webhooks/1/receive", app.address)
    );
    let fetched = app.admin_get("/api/sources/1").await.text().await.unwrap();
    let listed = app.admin_get("/api/sources").await.text().await.unwrap();
    assert!(!fetched.contains(&secret) && !listed.contains(&secret));
    assert!(listed.contains(r#""total":1"#));
}

#[tokio::test]
async fn secrets_are_neither_in_the_log_nor_readable_in_the_database() {
    let app = spawn_app().await;
    let source = app.create_source("Sealed").await;
    let rotated =
        json(app.as_admin(Method::POST, &format!("/api/sources/{}/secret/rotate", source.id)).send().await.unwrap())
            .await;
    let new_secret = rotated["secret"].as_str().unwrap();

    let events = eventlog::EventLog::read_all(&app.log, 0, 10_000, &Default::default()).unwrap();
    let stored = app.stored_bytes();

    for secret in [source.secret.as_str(), new_secret] {
        assert!(events.iter().all(|e| !e.data.contains(secret)), "a secret is in the event log");
        let needle = secret.as_bytes();
        assert!(!stored.windows(needle.len()).any(|w| w == needle), "a secret is readable in the database");
    }
}

#[tokio::test]
async fn after_rotation_both_secrets_work_during_the_grace_period() {
    let app = spawn_app().await;
    let source = app.create_source("Rotating").await;
    let rotated =
        json(app.as_admin(Method::POST, &format!("/api/sources/{}/secret/rotate", source.id)).send().await.unwrap())
            .await;
    let new = TestSource { id: source.id, secret: rotated["secret"].as_str().unwrap().to_owned() };

    let with_old = app.post_inbound(&source, &json!({ "title": "old secret" })).await;
    let with_new = app.post_inbound(&new, &json!({ "title": "new secret" })).await;

    assert_eq!(with_old.status(), 201);
    assert_eq!(with_new.status(), 201);
    assert!(rotated["previous_secret_valid_until"].is_string());
}

#[tokio::test]
async fn without_a_grace_period_the_old_secret_stops_working() {
    let app = spawn_app_with(|s| s.ingest.secret_grace_hours = 0).await;
    let source = app.create_source("Strict").await;
    app.as_admin(Method::POST, &format!("/api/sources/{}/secret/rotate", source.id)).send().await.unwrap();

    let with_old = app.post_inbound(&source, &json!({ "title": "old secret" })).await;

    error_body(with_old, 403).await;
}

#[tokio::test]
async fn sources_can_be_edited_and_deleted() {
    let app = spawn_app().await;
    let source = app.create_source("Temporary").await;

    let edited = json(
        app.as_admin(Method::PATCH, &format!("/api/sources/{}/edit", source.id))
            .json(&json!({ "name": "Renamed" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let deleted = app.as_admin(Method::DELETE, &format!("/api/sources/{}/delete", source.id)).send().await.unwrap();

    assert_eq!(edited["source"]["name"], "Renamed");
    assert_eq!(json(deleted).await["source"]["name"], "Renamed");
    error_body(app.admin_get(&format!("/api/sources/{}", source.id)).await, 404).await;
    error_body(app.post_inbound(&source, &json!({ "title": "gone" })).await, 404).await;
    assert_eq!(app.events_of_type("source.*").len(), 3);
}

#[tokio::test]
async fn bad_source_input_is_422_and_unknown_ids_404() {
    let app = spawn_app().await;
    let head = app.head();

    let no_name =
        app.as_admin(Method::POST, "/api/sources/new").json(&json!({ "default_pipeline_id": 1 })).send().await.unwrap();
    let bad_pipeline = app
        .as_admin(Method::POST, "/api/sources/new")
        .json(&json!({ "name": "x", "default_pipeline_id": 42 }))
        .send()
        .await
        .unwrap();
    let unknown = app.admin_get("/api/sources/77").await;
    let not_numeric = app.admin_get("/api/sources/abc").await;

    assert!(error_body(no_name, 422).await["details"]["name"].is_array());
    assert!(error_body(bad_pipeline, 422).await["details"]["default_pipeline_id"].is_array());
    error_body(unknown, 404).await;
    assert!(error_body(not_numeric, 400).await["details"]["id"].is_array());
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn the_cli_creates_a_source_and_prints_its_endpoint_and_secret() {
    let app = spawn_app().await;

    let output = app.run_cli(&["sources", "add", "--name", "Website form", "--pipeline", "1"]);

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let secret = stdout.lines().find_map(|l| l.strip_prefix("secret:")).unwrap().trim().to_owned();
    assert!(stdout.contains("/deal-flow/settings/inbound-webhooks/1/receive"), "{stdout}");
    let source = TestSource { id: 1, secret };
    assert_eq!(app.post_inbound(&source, &json!({ "title": "via CLI source" })).await.status(), 201);
}
