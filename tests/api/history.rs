//! The analysts' history: events API, NDJSON export, CLI export and rebuild (SPEC §10, issue 4).

use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn events_are_listed_in_position_order_with_filters_and_a_cursor() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Tracked" })).await;
    app.post_ok(&format!("/api/deals/{}/stage", deal["id"]), &json!({ "stage_id": 2 }), 200).await;

    let first = app.get_ok("/api/events?limit=1").await;
    let rest = app.get_ok(&format!("/api/events?after={}", first["next_after"])).await;
    let deals_only = app.get_ok("/api/events?type=deal.*").await;
    let one_stream = app.get_ok(&format!("/api/events?stream=deal-{}", deal["id"])).await;
    let future = app.get_ok("/api/events?since=2100-01-01T00:00:00Z").await;

    assert_eq!(first["events"][0]["position"], 1);
    assert_eq!(first["events"][0]["type"], "pipeline.created");
    assert_eq!(first["next_after"], 1);
    assert_eq!(rest["events"][0]["position"], 2);
    let types: Vec<_> = deals_only["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["deal.created", "deal.stage_changed"]);
    assert_eq!(one_stream["events"].as_array().unwrap().len(), 2);
    assert_eq!(future["events"], json!([]));
    error_body(app.admin_get("/api/events?since=yesterday").await, 400).await;
}

#[tokio::test]
async fn the_export_streams_every_event_as_ndjson() {
    let app = spawn_app().await;
    let source = app.create_source("bulk").await;
    for i in 0..30 {
        app.post_inbound(&source, &json!({ "title": format!("Deal {i}") })).await;
    }

    let response = app.admin_get("/api/events/export").await;

    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len() as u64, app.head());
    assert!(lines.windows(2).all(|w| w[0]["position"].as_u64() < w[1]["position"].as_u64()));
    let filtered = app.admin_get("/api/events/export?type=inbound.received").await.text().await.unwrap();
    assert_eq!(filtered.lines().count(), 30);
}

#[tokio::test]
async fn events_written_under_an_old_schema_are_read_in_the_current_one() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Old note" })).await;
    let stream = domain::ids::StreamName(format!("deal-{}", deal["id"]));
    let old = eventlog::NewEvent::raw(
        uuid::Uuid::now_v7(),
        "deal.note_added",
        1,
        r#"{"note_id": 900, "text": "written by an old version"}"#.into(),
        serde_json::to_string(&domain::Metadata::system()).unwrap(),
    )
    .unwrap();
    eventlog::EventLog::append(&app.log, stream, eventlog::ExpectedVersion::Exact(1), vec![old]).await.unwrap();

    let history = app.get_ok(&format!("/api/deals/{}/history", deal["id"])).await;
    app.log.wait_for_checkpoint(projection::CONSUMER, app.head(), std::time::Duration::from_secs(5)).await;
    let fetched = app.get_ok(&format!("/api/deals/{}", deal["id"])).await;

    assert_eq!(history["events"][1]["data"], json!({ "note": { "id": 900, "text": "written by an old version" } }));
    assert_eq!(fetched["deal"]["notes"][0]["text"], "written by an old version");
}

#[tokio::test]
async fn the_cli_exports_events_and_rebuilds_the_read_models() {
    let app = spawn_app().await;
    app.create_deal(json!({ "title": "Exported", "amount": 12.5 })).await;
    let out = app._dir.path().join("events.ndjson");

    let export = app.run_cli(&["events", "export", "--type", "deal.*", "--out", out.to_str().unwrap()]);
    let rebuild = app.run_cli(&["projections", "rebuild"]);

    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let lines = std::fs::read_to_string(&out).unwrap();
    assert_eq!(lines.lines().count(), 1);
    assert!(lines.contains(r#""amount":12.5"#), "{lines}");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&out).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "an export holds contacts' data: private like the database");
    assert!(rebuild.status.success(), "{}", String::from_utf8_lossy(&rebuild.stderr));
    let stdout = String::from_utf8(rebuild.stdout).unwrap();
    assert!(stdout.contains(&format!("from {} events", app.head())), "{stdout}");
    assert_eq!(app.get_ok("/api/deals").await["deals"][0]["title"], "Exported");
}
