//! Operating delivery (SPEC §7, issue 6): the settings, a hook's log, test sends, replays, the
//! `dealflow dispatch` job, the private-address guard at send time, and the metrics.

use api::Role;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::Receiver;

#[tokio::test]
async fn settings_start_from_the_configuration_and_bad_patches_change_nothing() {
    let app = spawn_driven_app().await;
    let defaults = app.get_ok("/api/settings/webhooks").await["settings"].clone();
    assert_eq!(
        defaults,
        json!({ "queue_mode": "immediate", "events_orderby_dir": "ASC", "batch_limit": 10, "timeout": 15, "log_max": 1000,
                "retry_schedule": [5, 300, 1800, 7200, 18000, 36000, 36000], "dispatch_schedule": "* * * * *" })
    );

    let response = app
        .send_json(
            reqwest::Method::PATCH,
            "/api/settings/webhooks",
            &json!({ "queue_mode": "sometimes", "batch_limit": 5000,
            "dispatch_schedule": "every day", "timeout": 0 }),
        )
        .await;
    let error = error_body(response, 422).await;
    for field in ["queue_mode", "batch_limit", "dispatch_schedule", "timeout"] {
        assert!(error["details"][field].is_array(), "{field} in {error}");
    }
    assert_eq!(app.get_ok("/api/settings/webhooks").await["settings"], defaults, "nothing stored");

    let changed = app.patch_settings(json!({ "queue_mode": "queue", "dispatch_schedule": "*/5 * * * *" })).await;
    assert_eq!((changed["queue_mode"].clone(), changed["batch_limit"].clone()), (json!("queue"), json!(10)));
    assert_eq!(app.get_ok("/api/settings/webhooks").await["settings"], changed);

    let password = app.add_user("ana", Role::Analyst).await;
    let as_analyst =
        |method| app.client.request(method, app.url("/api/settings/webhooks")).basic_auth("ana", Some(&password));
    assert_eq!(as_analyst(reqwest::Method::GET).send().await.unwrap().status(), 200);
    let refused = as_analyst(reqwest::Method::PATCH).json(&json!({ "batch_limit": 1 })).send().await.unwrap();
    error_body(refused, 403).await;
}

#[tokio::test]
async fn a_test_send_delivers_a_signed_sample_and_is_logged_as_a_test() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let hook = app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.stage_changed"])).await;

    let answer = app.post_ok(&format!("/api/hooks/{}/test", hook["id"]), &json!({}), 200).await["test"].clone();

    assert_eq!((answer["success"].clone(), answer["status_code"].clone()), (json!(true), json!(200)));
    assert!(answer["runtime_ms"].is_u64());
    let request = receiver.received().remove(0);
    assert_eq!(request.header("webhook-id"), answer["delivery_id"].as_str());
    let item = &request.json()["dealflow.deal.stage_changed"][0];
    assert_eq!(
        (item["event_info"]["test"].clone(), item["previous_stage"]["name"].clone()),
        (json!(true), json!("Qualified"))
    );
    let logs = app.get_ok(&format!("/api/hooks/{}/logs", hook["id"])).await;
    assert_eq!(logs["total"], 1);
    assert_eq!((logs["logs"][0]["test"].clone(), logs["logs"][0]["status_code"].clone()), (json!(true), json!(200)));

    error_body(app.send_json(reqwest::Method::POST, "/api/hooks/99/test", &json!({})).await, 404).await;
    error_body(app.admin_get("/api/hooks/99/logs").await, 404).await;
}

#[tokio::test]
async fn replay_backfills_history_for_a_new_subscriber_in_log_order() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    for title in ["Old one", "Old two"] {
        app.create_deal(json!({ "title": title })).await;
    }
    let hook = app.create_hook(hook_body("Late", &receiver.url, &["dealflow.deal.created"])).await;
    let path = format!("/api/hooks/{}/replay", hook["id"]);

    for bad in [
        json!({ "types": ["deal.*"] }),
        json!({ "from_position": 1, "since": "2026-01-01T00:00:00Z" }),
        json!({ "from_position": 0 }),
        json!({ "since": "yesterday" }),
        json!({ "from_position": 1, "types": "deal" }),
    ] {
        error_body(app.send_json(reqwest::Method::POST, &path, &bad).await, 422).await;
    }
    error_body(app.send_json(reqwest::Method::POST, "/api/hooks/99/replay", &json!({ "from_position": 1 })).await, 404)
        .await;

    let replay = app.post_ok(&path, &json!({ "from_position": 1, "types": ["deal.*"] }), 200).await["replay"].clone();
    assert_eq!(replay["queued"], 2);
    app.dispatcher.step().await.unwrap();

    let titles: Vec<Value> = receiver
        .received()
        .iter()
        .flat_map(|r| r.json()["dealflow.deal.created"].as_array().unwrap().clone())
        .map(|item| item["deal"]["title"].clone())
        .collect();
    assert_eq!(titles, [json!("Old one"), json!("Old two")]);
}

#[tokio::test]
async fn the_dispatch_command_sends_the_queue_once_per_hook_and_limit() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let other = Receiver::start().await;
    app.patch_settings(json!({ "queue_mode": "queue", "batch_limit": 100 })).await;
    let hook = app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_hook(hook_body("Other", &other.url, &["dealflow.deal.created"])).await;
    for title in ["A", "B", "C"] {
        app.create_deal(json!({ "title": title })).await;
    }

    let output = app.run_cli_with(&["dispatch", "--hook-id", &hook["id"].to_string(), "--limit", "2"], &[]);

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("sent 2 events in 1 delivery\n"));
    assert_eq!(receiver.event_ids().len(), 2);
    assert!(other.received().is_empty(), "only the hook asked for");
    app.run_cli_with(&["dispatch"], &[]);
    assert_eq!(receiver.event_ids().len(), 3);
    assert_eq!(other.event_ids().len(), 3);
}

#[tokio::test]
async fn a_private_target_is_refused_at_send_time_unless_allowed() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "retry_schedule": [0] })).await;
    let hook = app.create_hook(hook_body("Local", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Internal" })).await;

    app.run_cli_with(&["dispatch"], &[("DEALFLOW_ALLOW_PRIVATE_TARGETS", "false")]);

    assert!(receiver.received().is_empty());
    let logs = app.get_ok(&format!("/api/hooks/{}/logs", hook["id"])).await;
    assert_eq!(logs["logs"][0]["status_code"], Value::Null);
    assert!(logs["logs"][0]["note"].as_str().unwrap().contains("allow_private_targets"), "{logs}");

    app.run_cli_with(&["dispatch"], &[("DEALFLOW_ALLOW_PRIVATE_TARGETS", "false")]);
    assert_eq!(app.health_of(&hook["id"]).await["failedCount"], 1, "schedule exhausted: failed, kept");
    let replay = app.post_ok(&format!("/api/hooks/{}/replay", hook["id"]), &json!({}), 200).await;
    assert_eq!((replay["replay"]["queued"].clone(), replay["replay"]["requeued_failed"].clone()), (json!(0), json!(1)));
    app.run_cli_with(&["dispatch"], &[]);
    assert_eq!(receiver.received().len(), 1, "allowed, the same event goes out");
}

#[tokio::test]
async fn deleting_a_hook_forgets_its_queue_and_log() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let hook = app.create_hook(hook_body("Short-lived", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Orphan" })).await;
    app.dispatcher.step().await.unwrap();
    app.create_deal(json!({ "title": "Never sent" })).await;

    app.send_json(reqwest::Method::DELETE, &format!("/api/hooks/{}/delete", hook["id"]), &json!({})).await;
    app.dispatcher.step().await.unwrap();

    assert_eq!(receiver.received().len(), 1);
    let queued: u64 = app
        .log
        .read(|conn| {
            Ok::<_, eventlog::StorageError>(conn.query_row("SELECT count(*) FROM delivery_items", [], |r| r.get(0))?)
        })
        .unwrap();
    let logged: u64 = app
        .log
        .read(|conn| {
            Ok::<_, eventlog::StorageError>(conn.query_row("SELECT count(*) FROM delivery_log", [], |r| r.get(0))?)
        })
        .unwrap();
    assert_eq!((queued, logged), (0, 0));
}

#[tokio::test]
async fn deliveries_are_counted_in_the_metrics() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.create_hook(hook_body("Counted", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Measured" })).await;
    app.dispatcher.step().await.unwrap();

    let metrics = app.get("/metrics").await.text().await.unwrap();

    assert!(metrics.contains("dealflow_deliveries_total{outcome=\"success\"}"), "{metrics}");
    assert!(metrics.contains("dealflow_delivery_duration_seconds"));
    assert!(metrics.contains("dealflow_delivery_queue_depth{status=\"pending\"}"));
}
