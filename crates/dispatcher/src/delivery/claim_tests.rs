//! Claiming from a queue with a batch formed before a crash, items claimed ahead, a retried
//! delivery, another job's lease, and a change of queue mode.

use super::*;
use crate::config::WebhookSettings;
use crate::delivery::fixtures::{HOOK, hook};
use crate::delivery::queue::NewItem;
use eventlog::{EventStore, LogSettings};

/// A log whose hook has items at positions 1 to 6, 3 and 4 formed into one batch.
fn queue() -> (tempfile::TempDir, EventStore) {
    let dir = tempfile::tempdir().unwrap();
    let migrations: Vec<_> = eventlog::migrations::MIGRATIONS.iter().chain(crate::MIGRATIONS).cloned().collect();
    let log = EventStore::open(&dir.path().join("q.db"), &migrations, LogSettings::default()).unwrap();
    log.write(|tx| {
        store::save(tx.sql(), &domain::secrets::SecretBox::from_key(&[1; 32]), &hook())?;
        let items: Vec<_> = (1..=6)
            .map(|position| NewItem {
                hook_id: HOOK,
                position,
                event_id: Uuid::now_v7(),
                trigger: "dealflow.deal.created",
                payload: "{}".into(),
            })
            .collect();
        queue::insert_items(tx.sql(), &items, Utc::now())?;
        queue::assign(tx.sql(), &[3, 4], "msg_formed")?;
        Ok::<_, StorageError>(())
    })
    .wait_blocking()
    .unwrap();
    (dir, log)
}

fn claim_as(log: &EventStore, owner: &'static str, exclude: &[u64]) -> Result<Vec<Vec<u64>>, Unclaimed> {
    claim_by(log, Claimant::DispatchJob, owner, exclude)
}

fn claim_by(log: &EventStore, by: Claimant, owner: &'static str, exclude: &[u64]) -> Result<Vec<Vec<u64>>, Unclaimed> {
    let exclude: HashSet<u64> = exclude.iter().copied().collect();
    log.write(move |tx| {
        let defaults = DeliverySettings::from_config(&WebhookSettings::default()).unwrap();
        let secrets = domain::secrets::SecretBox::from_key(&[1; 32]);
        let wanted =
            Wanted { hook: HOOK, by, owner, defaults: &defaults, secrets: &secrets, budget: None, exclude: &exclude };
        let now = tx.recorded_at();
        Ok::<_, StorageError>(
            claim(tx, &wanted, now)?.map(|work| {
                work.deliveries.iter().map(|d| d.items.iter().map(|item| item.position).collect()).collect()
            }),
        )
    })
    .wait_blocking()
    .unwrap()
}

fn deliver(log: &EventStore, ids: &[u64]) {
    let ids = ids.to_vec();
    log.write(move |tx| Ok::<_, StorageError>(queue::delete_items(tx.sql(), &ids)?)).wait_blocking().unwrap();
}

#[test]
fn the_queue_goes_out_in_order_around_a_batch_formed_before_a_crash() {
    let (_dir, log) = queue();
    assert_eq!(claim_as(&log, "me", &[]), Ok(vec![vec![1, 2]]), "the items before the formed batch");
    deliver(&log, &[1, 2]);
    assert_eq!(claim_as(&log, "me", &[]), Ok(vec![vec![3, 4]]), "then the batch as it was formed");
    deliver(&log, &[3, 4]);
    assert_eq!(claim_as(&log, "me", &[]), Ok(vec![vec![5, 6]]));
}

#[test]
fn items_claimed_ahead_are_left_out() {
    let (_dir, log) = queue();
    assert_eq!(claim_as(&log, "me", &[1, 2]), Ok(vec![vec![3, 4]]));
    assert_eq!(claim_as(&log, "me", &[1, 2, 3, 4]), Ok(vec![vec![5, 6]]));
    assert_eq!(claim_as(&log, "me", &[1, 2, 3, 4, 5, 6]), Err(Unclaimed::Empty));
}

#[test]
fn the_delivery_being_retried_goes_first() {
    let (_dir, log) = queue();
    let retrying = HookState { retrying: Some("msg_formed".into()), ..HookState::default() };
    log.write(move |tx| Ok::<_, StorageError>(state::save_state(tx.sql(), HOOK, &retrying)?)).wait_blocking().unwrap();
    assert_eq!(claim_as(&log, "me", &[]), Ok(vec![vec![3, 4]]));
}

#[test]
fn another_jobs_lease_keeps_the_hook_until_it_expires() {
    let (_dir, log) = queue();
    assert!(claim_as(&log, "serve", &[]).is_ok());
    assert!(matches!(claim_as(&log, "cron", &[]), Err(Unclaimed::Leased(until)) if until > Utc::now()));
    assert!(claim_as(&log, "serve", &[]).is_ok(), "the holder renews it");
}

fn set_mode(log: &EventStore, mode: &str) {
    let mode = mode.to_owned();
    log.write(move |tx| {
        let defaults = DeliverySettings::from_config(&WebhookSettings::default()).unwrap();
        let serde_json::Value::Object(patch) = serde_json::json!({ "queue_mode": mode }) else { unreachable!() };
        let settings = DeliverySettings::load(tx.sql(), &defaults)?.patched(&patch).unwrap();
        settings.save(tx.sql(), 0)?;
        Ok::<_, StorageError>(())
    })
    .wait_blocking()
    .unwrap();
}

#[test]
fn only_the_dispatch_job_sends_in_queue_mode() {
    assert!(Claimant::DispatchJob.sends_in(QueueMode::Queue));
    assert!(Claimant::DispatchJob.sends_in(QueueMode::Immediate));
    assert!(Claimant::ImmediateLane.sends_in(QueueMode::Immediate));
    assert!(!Claimant::ImmediateLane.sends_in(QueueMode::Queue));
}

#[test]
fn a_mode_change_reaches_the_very_next_claim_of_a_lane() {
    let (_dir, log) = queue();
    assert!(claim_by(&log, Claimant::ImmediateLane, "me", &[]).is_ok());
    set_mode(&log, "queue");
    assert_eq!(claim_by(&log, Claimant::ImmediateLane, "me", &[1, 2]), Err(Unclaimed::Held));
    assert_eq!(claim_by(&log, Claimant::DispatchJob, "me", &[1, 2]), Ok(vec![vec![3, 4]]));
    set_mode(&log, "immediate");
    assert_eq!(claim_by(&log, Claimant::ImmediateLane, "me", &[1, 2]), Ok(vec![vec![3, 4]]));
}
