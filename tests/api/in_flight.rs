//! Per-hook concurrency (issue 16): `maxInFlight` N sends up to N requests at once, starting a
//! new one as each is answered (a slow one holds nothing back), each event still arrives at
//! least once, a failing hook backs off as a whole, `rateLimit` caps the rate, the fields are
//! validated, and health and /metrics show a hook's backlog.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::{Receiver, Reply};

const TRIGGER: &str = "dealflow.deal.created";

async fn hook_with(app: &TestApp, receiver: &Receiver, fields: Value) -> Value {
    let mut body = hook_body("Fast", &receiver.url, &[TRIGGER]);
    body.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    app.create_hook(body).await
}

async fn create_deals(app: &TestApp, count: usize) {
    for index in 0..count {
        app.create_deal(json!({ "title": format!("Deal {index}") })).await;
    }
}

fn committed(app: &TestApp) -> HashSet<String> {
    app.events_of_type("deal.created").iter().map(|e| e.event_id.to_string()).collect()
}

#[tokio::test]
async fn a_hook_with_max_in_flight_8_has_requests_in_flight_together_and_every_event_arrives() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "batch_limit": 1 })).await;
    let hook = hook_with(&app, &receiver, json!({ "maxInFlight": 8 })).await;
    assert_eq!(hook["maxInFlight"], 8);
    // Slow answers, so that requests sent together are answered together.
    receiver.script((0..24).map(|_| Reply { delay: Duration::from_millis(50), ..Reply::status(200) }));
    create_deals(&app, 24).await;

    let report = app.dispatcher.step().await.unwrap();

    assert_eq!((report.events, report.failures), (24, 0));
    assert!(receiver.most_at_once() > 1, "requests overlapped: {}", receiver.most_at_once());
    assert!(receiver.most_at_once() <= 8, "never more than maxInFlight: {}", receiver.most_at_once());
    assert_eq!(receiver.accepted_event_ids(), committed(&app), "every event arrived");
    assert_eq!(app.health_of(&hook["id"]).await["pendingCount"], 0);
}

#[tokio::test]
async fn a_slow_request_under_max_in_flight_8_does_not_hold_back_the_requests_after_it() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "batch_limit": 1 })).await;
    hook_with(&app, &receiver, json!({ "maxInFlight": 8 })).await;
    let first_request = receiver.hold_next();
    // More events than one claim takes (256): the window goes on into the next claimed chunk.
    create_deals(&app, 300).await;

    let (report, ()) = tokio::join!(app.dispatcher.step(), async {
        // Every other request arrives while the first is still unanswered.
        receiver.wait_for(300).await;
        first_request.notify_one();
    });

    assert_eq!(report.unwrap().events, 300);
    assert!(receiver.most_at_once() <= 8, "never more than maxInFlight: {}", receiver.most_at_once());
    assert_eq!(receiver.accepted_event_ids(), committed(&app), "every event arrived");
}

#[tokio::test]
async fn a_hook_with_max_in_flight_1_keeps_one_request_at_a_time_in_log_order() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "batch_limit": 1 })).await;
    let hook = hook_with(&app, &receiver, json!({})).await;
    assert_eq!((hook["maxInFlight"].clone(), hook["rateLimit"].clone()), (json!(1), Value::Null));
    receiver.script((0..6).map(|_| Reply { delay: Duration::from_millis(20), ..Reply::status(200) }));
    create_deals(&app, 6).await;

    app.dispatcher.step().await.unwrap();

    assert_eq!(receiver.most_at_once(), 1);
    let in_log_order: Vec<String> = app.events_of_type("deal.created").iter().map(|e| e.event_id.to_string()).collect();
    assert_eq!(receiver.event_ids(), in_log_order);
}

#[tokio::test]
async fn a_receiver_failing_30_percent_at_random_under_max_in_flight_8_still_gets_every_event() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "batch_limit": 1, "retry_schedule": vec![0; 20] })).await;
    let hook = hook_with(&app, &receiver, json!({ "maxInFlight": 8 })).await;
    receiver.fail_at_random(0.3);
    create_deals(&app, 60).await;

    for _ in 0..500 {
        app.dispatcher.step().await.unwrap();
        if app.health_of(&hook["id"]).await["pendingCount"] == 0 {
            break;
        }
    }

    let health = app.health_of(&hook["id"]).await;
    assert_eq!((health["pendingCount"].clone(), health["failedCount"].clone()), (json!(0), json!(0)), "{health}");
    assert_eq!(receiver.accepted_event_ids(), committed(&app), "every event was accepted at least once");
}

#[tokio::test]
async fn a_failing_hook_with_max_in_flight_8_backs_off_as_a_whole() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "batch_limit": 1, "retry_schedule": [300] })).await;
    let hook = hook_with(&app, &receiver, json!({ "maxInFlight": 8 })).await;
    receiver.script((0..40).map(|_| Reply { delay: Duration::from_millis(20), ..Reply::status(500) }));
    create_deals(&app, 40).await;

    let report = app.dispatcher.step().await.unwrap();
    let first_wave = receiver.received().len();
    let again = app.dispatcher.step().await.unwrap();

    assert_eq!(report.failures, 1, "the hook failed once, as a whole");
    assert!((1..=8).contains(&first_wave), "no request started after the first failure: {first_wave}");
    assert_eq!((again.deliveries, receiver.received().len()), (0, first_wave), "nothing until the retry is due");
    assert_eq!(app.health_of(&hook["id"]).await["pendingCount"], 40);
}

#[tokio::test]
async fn a_rate_limit_spaces_the_requests() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "batch_limit": 1 })).await;
    let hook = hook_with(&app, &receiver, json!({ "maxInFlight": 4, "rateLimit": 5 })).await;
    assert_eq!(hook["rateLimit"], 5);
    create_deals(&app, 6).await;

    let started = Instant::now();
    let report = app.dispatcher.step().await.unwrap();

    assert_eq!(report.events, 6);
    // Six requests at five a second: the last goes out a second after the first at the earliest.
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
}

#[tokio::test]
async fn max_in_flight_and_rate_limit_out_of_range_are_422_naming_the_field() {
    let (app, receiver) = (spawn_app().await, Receiver::start().await);
    let cases = [
        (json!({ "maxInFlight": 0 }), "maxInFlight"),
        (json!({ "maxInFlight": 65 }), "maxInFlight"),
        (json!({ "maxInFlight": "eight" }), "maxInFlight"),
        (json!({ "rateLimit": 0 }), "rateLimit"),
        (json!({ "rateLimit": 10_001 }), "rateLimit"),
    ];
    for (fields, named) in cases {
        let mut body = hook_body("Bad", &receiver.url, &[TRIGGER]);
        body.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        let error = error_body(app.send_json(Method::POST, "/api/hooks/new", &body).await, 422).await;
        let details: Vec<&String> = error["details"].as_object().unwrap().keys().collect();
        assert_eq!(details, [named], "{fields}");
    }
    let hook = hook_with(&app, &receiver, json!({ "maxInFlight": "16", "rateLimit": 100 })).await;
    let path = format!("/api/hooks/{}/edit", hook["id"]);
    let patched = json(app.send_json(Method::PATCH, &path, &json!({ "rateLimit": null })).await).await;
    assert_eq!(
        (patched["hook"]["maxInFlight"].clone(), patched["hook"]["rateLimit"].clone()),
        (json!(16), Value::Null)
    );
}

#[tokio::test]
async fn health_and_metrics_show_a_hooks_pending_count_and_oldest_pending_age() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let hook = hook_with(&app, &receiver, json!({})).await;
    create_deals(&app, 3).await;
    app.dispatcher.match_committed().await.unwrap();

    let health = app.health_of(&hook["id"]).await;
    let metrics = app.get("/metrics").await.text().await.unwrap();

    assert_eq!(health["pendingCount"], 3);
    assert!(health["oldestPendingAt"].as_str().is_some_and(|at| at.ends_with("+00:00")), "{health}");
    assert!(health["oldestPendingSeconds"].as_u64().is_some_and(|age| age < 60), "{health}");
    let pending = format!("dealflow_hook_pending_events{{hook_id=\"{}\"}} 3", hook["id"]);
    assert!(metrics.contains(&pending), "{metrics}");
    assert!(metrics.contains(&format!("dealflow_hook_oldest_pending_seconds{{hook_id=\"{}\"}}", hook["id"])));

    app.dispatcher.step().await.unwrap();
    let health = app.health_of(&hook["id"]).await;
    assert_eq!((health["pendingCount"].clone(), health["oldestPendingSeconds"].clone()), (json!(0), Value::Null));
}
