//! Operators see failures (issue 10, items 8 and 13): `dealflow dispatch` names each failed hook
//! with its reason and exits non-zero, refuses an unknown `--hook-id`, names a hook another job
//! holds with the end of its lease; each failed and each exhausted delivery is logged once at
//! `warn`; the delivery log filters by outcome and time and refuses what it does not know.

use std::time::Duration;

use eventlog::StorageError;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::{Receiver, Reply};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn dispatch_prints_each_failed_hook_with_its_reason_and_exits_non_zero() {
    let (app, failing, slow) = (spawn_driven_app().await, Receiver::start().await, Receiver::start().await);
    app.patch_settings(json!({ "timeout": 1 })).await;
    failing.script([Reply::status(500)]);
    slow.script([Reply { delay: Duration::from_secs(3), ..Reply::status(200) }]);
    let answered_500 = app.create_hook(hook_body("Answers 500", &failing.url, &["dealflow.deal.created"])).await;
    let times_out = app.create_hook(hook_body("Too slow", &slow.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Acme" })).await;

    let output = app.run_cli(&["dispatch"]);

    let stdout = text(&output.stdout);
    assert!(!output.status.success(), "a failure exits non-zero: {stdout}");
    assert!(stdout.contains(&format!("hook {} failed: HTTP 500", answered_500["id"])), "{stdout}");
    assert!(stdout.contains(&format!("hook {} failed: timed out", times_out["id"])), "{stdout}");
    assert!(text(&output.stderr).contains("2 hook(s) failed"), "{}", text(&output.stderr));
    assert!(!stdout.contains("waiting for its retry"), "a hook that failed in this run is not also waiting: {stdout}");
}

#[tokio::test]
async fn dispatch_names_a_target_refused_by_the_private_address_guard() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let hook = app.create_hook(hook_body("Local", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Internal" })).await;

    let output = app.run_cli_with(&["dispatch"], &[("DEALFLOW_ALLOW_PRIVATE_TARGETS", "false")]);

    let stdout = text(&output.stdout);
    assert!(!output.status.success());
    assert!(stdout.contains(&format!("hook {} failed: not sent", hook["id"])), "{stdout}");
    assert!(stdout.contains("allow_private_targets"), "{stdout}");
}

#[tokio::test]
async fn dispatch_with_an_unknown_hook_id_is_an_error() {
    let app = spawn_driven_app().await;

    let output = app.run_cli(&["dispatch", "--hook-id", "99"]);

    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("hook 99 does not exist"), "{}", text(&output.stderr));
}

#[tokio::test]
async fn a_hook_another_job_holds_is_named_with_the_end_of_its_lease() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let hook = app.create_hook(hook_body("Busy", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Acme" })).await;
    let (id, until) = (hook["id"].as_u64().unwrap(), chrono::Utc::now() + chrono::Duration::seconds(60));
    app.log
        .write(move |tx| {
            tx.sql().execute(
                "INSERT INTO hook_delivery_state (hook_id, lease_owner, lease_until) VALUES (?1, 'another-job', ?2)",
                (id, until.timestamp_micros()),
            )?;
            Ok::<_, StorageError>(())
        })
        .await
        .unwrap();

    let output = app.run_cli(&["dispatch"]);

    let stdout = text(&output.stdout);
    assert!(output.status.success(), "a held hook is not a failure: {stdout}");
    let shown = until.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    assert!(
        stdout.contains(&format!("hook {id} skipped: another dispatch job holds its lease until {shown}")),
        "{stdout}"
    );
    assert!(receiver.received().is_empty());
}

/// The lines of `stderr` that report a delivery failure.
fn failure_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|line| line.contains("WARN") && line.contains("a delivery failed"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn each_failed_and_each_exhausted_delivery_is_logged_once_at_warn() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "retry_schedule": [0] })).await;
    receiver.script([Reply::status(502), Reply::status(503)]);
    let hook = app.create_hook(hook_body("Flaky", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Acme" })).await;

    let first = text(&app.run_cli_with(&["dispatch"], &[("NO_COLOR", "1")]).stderr);
    let second = text(&app.run_cli_with(&["dispatch"], &[("NO_COLOR", "1")]).stderr);

    let (first, second) = (failure_lines(&first), failure_lines(&second));
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(second.len(), 1, "{second:?}");
    let delivery = &app.get_ok(&format!("/api/hooks/{}/logs", hook["id"])).await["logs"][0]["delivery_id"];
    for (line, attempt, status) in [(&first[0], 1, 502), (&second[0], 2, 503)] {
        for part in [
            format!("hook_id={}", hook["id"]),
            format!("delivery_id={}", delivery.as_str().unwrap()),
            format!("attempt={attempt}"),
            format!("status={status}"),
            "next_retry=".to_owned(),
        ] {
            assert!(line.contains(&part), "{part} in {line}");
        }
    }
    assert!(second[0].contains("exhausted") && second[0].contains("next_retry=none"), "{}", second[0]);
}

async fn logs(app: &TestApp, hook: &Value, query: &str) -> Vec<Value> {
    let body = app.get_ok(&format!("/api/hooks/{}/logs{query}", hook["id"])).await;
    let logs = body["logs"].as_array().unwrap().clone();
    assert_eq!(body["total"], logs.len(), "total counts the filtered entries");
    logs
}

#[tokio::test]
async fn the_delivery_log_filters_by_outcome_and_time() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "retry_schedule": [0] })).await;
    receiver.script([Reply::status(500), Reply::status(500), Reply::status(200)]);
    let hook = app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Lost to retries" })).await;
    app.dispatcher.step().await.unwrap();
    app.dispatcher.step().await.unwrap();
    let between = chrono::Utc::now();
    app.create_deal(json!({ "title": "Delivered" })).await;
    app.dispatcher.step().await.unwrap();

    let (all, success) = (logs(&app, &hook, "").await, logs(&app, &hook, "?status=success").await);
    let (failed, exhausted) = (logs(&app, &hook, "?status=failed").await, logs(&app, &hook, "?status=exhausted").await);
    let since = logs(&app, &hook, &format!("?since={}", between.to_rfc3339().replace('+', "%2B"))).await;
    let until = logs(&app, &hook, &format!("?until={}&status=failed", between.to_rfc3339().replace('+', "%2B"))).await;

    assert_eq!((all.len(), success.len(), failed.len(), exhausted.len()), (3, 1, 2, 1));
    assert!(success.iter().all(|entry| entry["status_code"] == 200));
    assert_eq!((exhausted[0]["attempt"].clone(), exhausted[0]["exhausted"].clone()), (json!(2), json!(true)));
    assert_eq!((since.len(), since[0]["status_code"].clone()), (1, json!(200)));
    assert_eq!(until.len(), 2);
}

#[tokio::test]
async fn an_unknown_log_filter_or_value_is_a_400_naming_it() {
    let app = spawn_driven_app().await;
    let hook = app.create_hook(hook_body("CRM", "http://127.0.0.1:9/hook", &["dealflow.deal.created"])).await;

    for (query, named) in [
        ("?state=failed", "state"),
        ("?status=broken", "status"),
        ("?since=yesterday", "since"),
        ("?until=2026-02-30T00:00:00Z", "until"),
        ("?limit=0", "limit"),
    ] {
        let response = app.admin_get(&format!("/api/hooks/{}/logs{query}", hook["id"])).await;

        let error = error_body(response, 400).await;
        assert!(error["details"].get(named).is_some(), "{query}: {error}");
    }
}

#[tokio::test]
async fn a_long_connection_error_reaches_the_cli_and_the_warn_log_whole() {
    let app = spawn_driven_app().await;
    // A long URL makes the reason longer than any short bound; nothing listens on port 9.
    let url = format!("http://127.0.0.1:9/{}", "a-long-path-segment/".repeat(12));
    let hook = app.create_hook(hook_body("Unreachable", &url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Acme" })).await;

    let output = app.run_cli_with(&["dispatch"], &[("NO_COLOR", "1")]);

    let note = logs(&app, &hook, "").await[0]["note"].as_str().unwrap().to_owned();
    assert!(note.chars().count() > 200 && note.contains(&url), "{note}");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(stdout.contains(&format!("hook {} failed: {note} (attempt 1 of delivery", hook["id"])), "{stdout}");
    let warned = failure_lines(&stderr);
    assert_eq!(warned.len(), 1, "{stderr}");
    assert!(warned[0].contains(&note), "{}", warned[0]);
}

/// The time in a `… is due at <time>;` line.
fn due_at(line: &str) -> chrono::DateTime<chrono::Utc> {
    let at = line.split("is due at ").nth(1).and_then(|rest| rest.split(';').next()).expect("a due time");
    chrono::DateTime::parse_from_rfc3339(at).expect("an RFC 3339 time").into()
}

#[tokio::test]
async fn dispatch_names_a_hook_waiting_for_its_retry_with_the_time_due_and_the_last_reason() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "retry_schedule": [3600] })).await;
    receiver.script([Reply::status(503)]);
    let hook = app.create_hook(hook_body("Failing", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Acme" })).await;
    assert!(!app.run_cli(&["dispatch"]).status.success(), "the run in which it fails exits non-zero");

    for args in [vec!["dispatch", "--hook-id", &hook["id"].to_string()], vec!["dispatch"]] {
        let output = app.run_cli(&args);

        let stdout = text(&output.stdout);
        assert!(output.status.success(), "nothing failed in this run: {stdout}");
        assert!(stdout.starts_with("sent 0 events in 0 deliveries\n"), "{stdout}");
        let line = stdout
            .lines()
            .find(|line| {
                line.starts_with(&format!("hook {} is waiting for its retry: attempt 2 is due at ", hook["id"]))
            })
            .unwrap_or_else(|| panic!("no waiting line in {stdout}"));
        assert!(line.ends_with("; the last attempt failed: HTTP 503: thanks"), "{line}");
        let due = due_at(line) - chrono::Utc::now();
        assert!(due > chrono::Duration::minutes(30) && due <= chrono::Duration::hours(2), "due in {due}");
    }
    assert_eq!(receiver.received().len(), 1, "nothing is sent before the retry is due");
}

#[tokio::test]
async fn dispatch_counts_one_event_and_one_delivery_in_the_singular() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Acme" })).await;

    let output = app.run_cli(&["dispatch"]);

    assert!(output.status.success());
    assert_eq!(text(&output.stdout), "sent 1 event in 1 delivery\n");
}
