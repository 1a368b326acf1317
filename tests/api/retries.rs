//! Failed deliveries (SPEC §7, issue 6): retries in order, Retry-After, exhaustion and
//! redelivery, unpublishing on 410, and the delivery log and health that show it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::{Receiver, Reply};

async fn deals(app: &TestApp, titles: &[&str]) -> Vec<Value> {
    let mut deals = Vec::new();
    for title in titles {
        deals.push(app.create_deal(json!({ "title": title })).await);
    }
    deals
}

fn event_ids_of_deals(app: &TestApp) -> Vec<String> {
    app.events_of_type("deal.created").iter().map(|e| e.event_id.to_string()).collect()
}

#[tokio::test]
async fn a_receiver_failing_three_times_then_answering_gets_every_event_in_order() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    // One event per request, so that the order of deliveries shows.
    app.patch_settings(json!({ "retry_schedule": [0, 0, 0, 0], "batch_limit": 1 })).await;
    let hook = app.create_hook(hook_body("Flaky", &receiver.url, &["dealflow.deal.created"])).await;
    receiver.script([Reply::status(500), Reply::status(500), Reply::status(500)]);
    deals(&app, &["One", "Two", "Three"]).await;

    for expected in 1..=3 {
        let report = app.dispatcher.step().await.unwrap();
        assert_eq!((report.deliveries, report.failures), (0, 1));
        assert_eq!(receiver.received().len(), expected, "one attempt per step, nothing after the failing delivery");
    }
    let health = app.health_of(&hook["id"]).await;
    assert!(health["failingSince"].is_string(), "{health}");
    assert_eq!(health["pendingCount"], 3);

    let report = app.dispatcher.step().await.unwrap();

    assert_eq!((report.deliveries, report.events, report.failures), (3, 3, 0));
    let received = receiver.received();
    assert_eq!(receiver.event_ids().len(), 6, "the first event four times, then the other two");
    assert_eq!(receiver.distinct_event_ids(), event_ids_of_deals(&app), "every event, in log order");
    let retried: Vec<_> = received[..4].iter().map(|r| r.header("webhook-id").unwrap().to_owned()).collect();
    assert!(retried.iter().all(|id| *id == retried[0]), "webhook-id is stable across retries: {retried:?}");
    let health = app.health_of(&hook["id"]).await;
    assert_eq!(health["failingSince"], Value::Null);
    assert!(health["lastSuccessAt"].as_str().is_some_and(|at| at.ends_with("+00:00")));
    assert_eq!(health["pendingCount"], 0);

    let logs = app.get_ok(&format!("/api/hooks/{}/logs", hook["id"])).await;
    assert_eq!(logs["total"], 6);
    let first_delivery: Vec<_> = logs["logs"].as_array().unwrap().iter().rev().take(4).collect();
    let attempts: Vec<_> = first_delivery.iter().map(|l| (l["attempt"].clone(), l["status_code"].clone())).collect();
    assert_eq!(
        attempts,
        [(json!(1), json!(500)), (json!(2), json!(500)), (json!(3), json!(500)), (json!(4), json!(200))]
    );
    assert_eq!(first_delivery[0]["note"], "thanks", "the first KiB of the answer");
    assert_eq!(first_delivery[0]["event_ids"][0], event_ids_of_deals(&app)[0]);
}

#[tokio::test]
async fn retry_after_holds_the_next_attempt_back() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "retry_schedule": [0, 0] })).await;
    app.create_hook(hook_body("Busy", &receiver.url, &["dealflow.deal.created"])).await;
    receiver.script([Reply { headers: vec![("Retry-After", "120".into())], ..Reply::status(503) }]);
    deals(&app, &["Later"]).await;

    app.dispatcher.step().await.unwrap();
    let report = app.dispatcher.step().await.unwrap();

    assert_eq!((report.deliveries, report.failures), (0, 0), "not due for two minutes");
    let waiting = report.waiting.first().expect("the hook is reported as waiting for its retry");
    assert!(waiting.until - chrono::Utc::now() > chrono::Duration::seconds(100), "{waiting:?}");
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn an_exhausted_delivery_is_marked_failed_the_queue_moves_on_and_replay_redelivers_it() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "retry_schedule": [0], "batch_limit": 1 })).await;
    let hook = app.create_hook(hook_body("Down", &receiver.url, &["dealflow.deal.created"])).await;
    receiver.script([Reply::status(500), Reply::status(502)]);
    deals(&app, &["Lost in transit", "Next"]).await;

    app.dispatcher.step().await.unwrap();
    app.dispatcher.step().await.unwrap();

    let health = app.health_of(&hook["id"]).await;
    assert_eq!((health["failedCount"].clone(), health["pendingCount"].clone()), (json!(1), json!(1)));
    app.dispatcher.step().await.unwrap();
    let ids = event_ids_of_deals(&app);
    assert_eq!(receiver.event_ids().last(), Some(&ids[1]), "the next event went out");

    let replay = app.post_ok(&format!("/api/hooks/{}/replay", hook["id"]), &json!({}), 200).await;
    assert_eq!(replay["replay"]["requeued_failed"], 1);
    app.dispatcher.step().await.unwrap();

    assert_eq!(receiver.event_ids().last(), Some(&ids[0]), "the failed event was redelivered");
    assert_eq!(app.health_of(&hook["id"]).await["failedCount"], 0);
}

#[tokio::test]
async fn a_410_unpublishes_the_hook_with_a_reason_and_its_events_wait_for_republication() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let hook = app.create_hook(hook_body("Gone", &receiver.url, &["dealflow.deal.created"])).await;
    receiver.script([Reply::status(410)]);
    deals(&app, &["First"]).await;

    app.dispatcher.step().await.unwrap();

    let unpublished = app.get_ok(&format!("/api/hooks/{}", hook["id"])).await["hook"].clone();
    assert_eq!(unpublished["isPublished"], false);
    assert!(unpublished["health"]["unpublishedReason"].as_str().unwrap().contains("410"));
    let audit = app.get_ok(&format!("/api/events?stream=hook-{}&type=hook.unpublished", hook["id"])).await;
    assert_eq!(audit["events"].as_array().unwrap().len(), 1);

    deals(&app, &["Second"]).await;
    app.dispatcher.step().await.unwrap();
    assert_eq!(receiver.received().len(), 1, "nothing is sent to an unpublished hook");
    assert_eq!(app.health_of(&hook["id"]).await["pendingCount"], 2, "its events keep queueing");

    app.send_json(Method::PATCH, &format!("/api/hooks/{}/edit", hook["id"]), &json!({ "isPublished": true })).await;
    app.dispatcher.step().await.unwrap();

    assert_eq!(receiver.distinct_event_ids(), event_ids_of_deals(&app));
    assert_eq!(app.health_of(&hook["id"]).await["unpublishedReason"], Value::Null);
}

#[tokio::test]
async fn a_hook_a_user_unpublished_queues_nothing() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let mut body = hook_body("Paused", &receiver.url, &["dealflow.deal.created"]);
    body["isPublished"] = json!(false);
    let hook = app.create_hook(body).await;
    deals(&app, &["Unseen"]).await;

    app.dispatcher.step().await.unwrap();

    assert_eq!(app.health_of(&hook["id"]).await["pendingCount"], 0);
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn a_long_failing_streak_unpublishes_the_hook() {
    let (app, receiver) = (
        spawn_app_with(|s| {
            s.roles.dispatcher = false;
            s.webhooks.unpublish_after_hours = 0;
        })
        .await,
        Receiver::start().await,
    );
    let hook = app.create_hook(hook_body("Broken", &receiver.url, &["dealflow.deal.created"])).await;
    receiver.script([Reply::status(500)]);
    deals(&app, &["Doomed"]).await;

    app.dispatcher.step().await.unwrap();

    let health = app.health_of(&hook["id"]).await;
    assert!(health["unpublishedReason"].as_str().unwrap().starts_with("no successful delivery since"), "{health}");
    assert_eq!(health["pendingCount"], 1, "the event is kept");
}
