use crate::helpers::*;

#[tokio::test]
async fn health_answers_ok_without_credentials() {
    let app = spawn_app().await;

    let response = app.get("/health").await;

    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(json(response).await["status"], "ok");
}

#[tokio::test]
async fn ready_reports_migrations_and_the_log_head() {
    let app = spawn_app().await;

    let body = json(app.get("/ready").await).await;

    assert_eq!(body["status"], "ready");
    assert_eq!(body["migrations"]["pending"], serde_json::json!([]));
    assert!(body["head_position"].as_u64().unwrap() >= 1, "the default pipeline was appended: {body}");
}

#[tokio::test]
async fn metrics_serve_prometheus_text() {
    let app = spawn_app().await;
    app.get("/health").await;

    let response = app.get("/metrics").await;

    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    let text = response.text().await.unwrap();
    assert!(text.contains("# TYPE dealflow_http_requests_total counter"), "{text}");
    assert!(text.contains("dealflow_log_head_position"), "{text}");
    assert!(text.contains("dealflow_group_commit_batch_size_bucket"), "{text}");
}

#[tokio::test]
async fn a_fresh_database_holds_the_default_pipeline_as_events() {
    let app = spawn_app().await;

    let events = eventlog::EventLog::read_stream(&app.log, "pipeline-1", 1).unwrap();

    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, "pipeline.created");
    let data: serde_json::Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(data["name"], "Main Pipeline");
    let stages: Vec<_> = data["stages"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(stages, ["Lead In", "Qualified", "Proposal Sent", "Negotiation", "Won", "Lost"]);
}

#[tokio::test]
async fn unknown_routes_answer_the_error_format_with_a_request_id() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/nowhere")).header("X-Request-Id", "trace-123").send().await.unwrap();

    assert_eq!(response.headers()["x-request-id"], "trace-123");
    error_body(response, 404).await;
}
