//! Given chunks a window held, when they are merged for a settlement, then the deliveries that
//! succeeded come first across chunks, then the failures, from the state the window carried,
//! and what was never started stays out (queued).

use std::time::{Duration, Instant};

use super::*;
use crate::config::WebhookSettings;
use crate::delivery::fixtures::hook;
use crate::delivery::queue::Item;
use crate::delivery::settings::DeliverySettings;
use crate::delivery::work::Delivery;

fn delivery(id: &str, events: usize) -> Delivery {
    let item = |n: usize| Item {
        id: n as u64,
        position: n as u64,
        event_id: format!("{id}-{n}"),
        trigger: "dealflow.deal.created".into(),
        payload: "{}".into(),
        delivery_id: None,
    };
    Delivery { id: id.into(), items: (0..events).map(item).collect() }
}

fn answer(status: u16) -> Answer {
    Answer { status: Some(status), retry_after: None, note: None, runtime: Duration::ZERO }
}

/// A chunk of `ids` (one event each), answered as `sent` says (by index); the rest not started.
fn chunk(ids: &[&str], sent: &[(usize, u16)]) -> Chunk {
    let work = Work {
        hook: hook(),
        settings: DeliverySettings::from_config(&WebhookSettings::default()).unwrap(),
        state: HookState::default(),
        deliveries: ids.iter().map(|id| delivery(id, 1)).collect(),
        lease_until: Instant::now(),
    };
    let sent = sent.iter().map(|(index, status)| (*index, answer(*status))).collect();
    Chunk { hook: Arc::new(work.hook.clone()), work, limiter: None, started: ids.len(), in_flight: 0, sent }
}

fn ids(merged: &Merged) -> Vec<&str> {
    merged.work.deliveries.iter().map(|d| d.id.as_str()).collect()
}

#[test]
fn given_two_answered_chunks_when_merged_then_successes_come_first_in_claim_order_then_failures() {
    let first = chunk(&["a", "b", "c"], &[(2, 200), (0, 500), (1, 200)]);
    let second = chunk(&["d", "e"], &[(1, 503), (0, 200)]);

    let merged = merge(vec![first, second], HookState::default()).unwrap();

    assert_eq!(ids(&merged), ["b", "c", "d", "a", "e"]);
    let statuses: Vec<_> = merged.answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(200), Some(200), Some(200), Some(500), Some(503)]);
    assert_eq!(merged.events, 3, "the events of the deliveries that succeeded");
}

#[test]
fn given_deliveries_never_started_when_merged_then_they_are_left_out_to_stay_queued() {
    let stopped = chunk(&["a", "b", "c"], &[(0, 200)]);

    let merged = merge(vec![stopped], HookState::default()).unwrap();

    assert_eq!(ids(&merged), ["a"]);
}

#[test]
fn given_the_state_an_earlier_settlement_stored_when_merged_then_the_settlement_starts_from_it() {
    let carried = HookState { last_success_at: Some(chrono::Utc::now()), ..HookState::default() };
    let mut claimed_earlier = chunk(&["a"], &[(0, 500)]);
    claimed_earlier.work.state = HookState { failing_since: Some(chrono::Utc::now()), ..HookState::default() };

    let merged = merge(vec![claimed_earlier], carried.clone()).unwrap();

    assert_eq!(merged.work.state, carried);
}

#[test]
fn given_no_chunk_when_merged_then_there_is_nothing_to_settle() {
    assert!(merge(Vec::new(), HookState::default()).is_none());
}
