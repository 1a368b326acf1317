//! A change of the webhook settings reaches every lane at its next claim (issue 10 context: a
//! switch to queue mode did not apply while a hook kept receiving events). The lanes are driven
//! with `step_lanes` (one turn per due hook, as the immediate lanes take them) and the dispatch
//! job with `step`, never by sleeping.

use std::time::Duration;

use serde_json::json;

use crate::helpers::*;
use crate::receiver::{Receiver, Reply};

#[tokio::test]
async fn a_switch_to_queue_mode_holds_new_events_of_a_hook_that_is_delivering_until_a_dispatch_runs() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let hook = app.create_hook(hook_body("Busy", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Before the switch" })).await;
    // The answer is slow, so that the lane is in the middle of its turn when the mode changes.
    receiver.script([Reply { delay: Duration::from_secs(3), ..Reply::status(200) }]);
    let meanwhile = async {
        receiver.wait_for(1).await;
        app.patch_settings(json!({ "queue_mode": "queue" })).await;
        app.create_deal(json!({ "title": "After the switch" })).await;
        app.dispatcher.match_committed().await.unwrap();
    };
    let (report, ()) = tokio::join!(app.dispatcher.step_lanes(), meanwhile);
    let report = report.unwrap();

    assert_eq!((report.deliveries, report.events), (1, 1), "the lane sent what it had claimed, then stopped");
    assert_eq!(app.dispatcher.step_lanes().await.unwrap().deliveries, 0, "a later lane turn sends nothing");
    assert_eq!(receiver.received().len(), 1);
    assert_eq!(app.health_of(&hook["id"]).await["pendingCount"], 1, "the new event waits in the queue");

    let report = app.dispatcher.step().await.unwrap();
    assert_eq!((report.deliveries, report.events), (1, 1), "the dispatch job sends it");
    assert_eq!(receiver.received().len(), 2);
    assert_eq!(app.health_of(&hook["id"]).await["pendingCount"], 0);
}

#[tokio::test]
async fn a_switch_back_to_immediate_mode_sends_at_the_next_lane_turn() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let hook = app.create_hook(hook_body("Busy", &receiver.url, &["dealflow.deal.created"])).await;
    app.patch_settings(json!({ "queue_mode": "queue" })).await;
    app.create_deal(json!({ "title": "Queued one" })).await;
    app.create_deal(json!({ "title": "Queued two" })).await;
    assert_eq!(app.dispatcher.step_lanes().await.unwrap().deliveries, 0, "queue mode holds them");
    assert_eq!(app.health_of(&hook["id"]).await["pendingCount"], 2);

    app.patch_settings(json!({ "queue_mode": "immediate", "batch_limit": 1 })).await;
    app.create_deal(json!({ "title": "Sent at once" })).await;
    let report = app.dispatcher.step_lanes().await.unwrap();

    assert_eq!(report.events, 3, "the lane sends the held events and the new one");
    assert_eq!(report.deliveries, 3, "with the batch limit set in the same change");
    assert_eq!(receiver.received().len(), 3);
    assert_eq!(app.health_of(&hook["id"]).await["pendingCount"], 0);
}

#[tokio::test]
async fn every_setting_changed_in_queue_mode_applies_to_the_next_dispatch() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.create_hook(hook_body("Batched", &receiver.url, &["dealflow.deal.created"])).await;
    app.patch_settings(json!({ "queue_mode": "queue", "batch_limit": 10 })).await;
    for title in ["One", "Two", "Three"] {
        app.create_deal(json!({ "title": title })).await;
    }
    app.patch_settings(json!({ "batch_limit": 2, "events_orderby_dir": "DESC" })).await;

    let report = app.dispatcher.step().await.unwrap();

    assert_eq!((report.deliveries, report.events), (2, 3));
    let received = receiver.received();
    assert_eq!(received.iter().map(|r| r.event_ids().len()).collect::<Vec<_>>(), [2, 1]);
    let created: Vec<String> = app.events_of_type("deal.created").iter().map(|e| e.event_id.to_string()).collect();
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    assert_eq!(receiver.event_ids(), newest_first, "the order set after the events were queued");
}
