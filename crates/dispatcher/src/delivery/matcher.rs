//! Matching: the dispatcher tails the log from its checkpoint and, for every event and every hook
//! whose triggers it fires, records a pending delivery item in the same transaction as the new
//! checkpoint (at-least-once: nothing is skipped across restarts).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use domain::DomainEvent;
use domain::ids::{ContactId, DealId};
use domain::secrets::SecretBox;
use eventlog::consumer::{self, Consumer};
use eventlog::{RecordedEvent, SqliteEventLog, StorageError, Transaction};
use rusqlite::Connection;
use tokio::sync::Notify;

use super::folds::FoldCache;
use super::payload::{self, EventFacts};
use super::queue::{self, NewItem};
use crate::hooks::{Hook, store, triggers};

/// The matcher's checkpoint name.
pub const CONSUMER: &str = "dispatcher";

/// What one [`Matcher::step`] did; `applied` is the number of items recorded.
pub type MatchStep = consumer::Step<usize>;

/// Tails the log and records delivery items.
#[derive(Clone)]
pub struct Matcher {
    log: SqliteEventLog,
    folds: Arc<Mutex<FoldCache>>,
    items_ready: Arc<Notify>,
    secrets: SecretBox,
}

impl Matcher {
    /// A matcher that wakes `items_ready` after recording items.
    pub fn new(log: SqliteEventLog, items_ready: Arc<Notify>, secrets: SecretBox) -> Self {
        Self { log, folds: Arc::default(), items_ready, secrets }
    }

    /// Matches the next batch of events, if any.
    pub async fn step(&self) -> Result<MatchStep, StorageError> {
        consumer::step(&self.log, self).await
    }

    /// Steps until nothing is left.
    pub async fn catch_up(&self) -> Result<(), StorageError> {
        consumer::catch_up(&self.log, self).await.map(drop)
    }

    /// Matches events as they are committed, for as long as it is polled.
    pub async fn run(&self) {
        consumer::run(&self.log, self, std::future::pending()).await;
    }
}

impl Consumer for Matcher {
    type Prepared = Vec<NewItem>;
    type Applied = usize;

    const NAME: &'static str = CONSUMER;

    fn batch(&self) -> usize {
        512
    }

    fn prepare(&self, conn: &Connection, events: Vec<RecordedEvent>) -> Result<Vec<NewItem>, StorageError> {
        let now = Utc::now();
        let hooks: Vec<Hook> = store::all(conn, &self.secrets)?.into_iter().filter(|h| accepts_items(h, now)).collect();
        let mut folds = self.folds.lock().unwrap_or_else(|p| p.into_inner());
        let mut items = Vec::new();
        for event in &events {
            let subscribed: Vec<&Hook> = hooks.iter().filter(|h| h.created_position < event.position).collect();
            items.extend(items_for(conn, &mut folds, event, &subscribed)?);
        }
        Ok(items)
    }

    fn apply(tx: &mut Transaction<'_>, items: Vec<NewItem>) -> Result<usize, StorageError> {
        queue::insert_items(tx.sql(), &items, tx.recorded_at())?;
        Ok(items.len())
    }

    fn committed(&self, _events: usize, items: &usize) {
        if *items > 0 {
            self.items_ready.notify_waiters();
        }
    }
}

/// Whether a hook takes new items: published (within its window), or unpublished by dealflow
/// itself — its events keep queueing until it is published again. A hook a user unpublished
/// queues nothing.
pub fn accepts_items(hook: &Hook, now: DateTime<Utc>) -> bool {
    hook.is_live(now) || (!hook.is_published && hook.unpublished_reason.is_some())
}

/// The items one event makes for the given hooks.
pub fn items_for(
    conn: &Connection,
    folds: &mut FoldCache,
    event: &RecordedEvent,
    hooks: &[&Hook],
) -> Result<Vec<NewItem>, StorageError> {
    let possible =
        [triggers::fired_by(&event.event_type, Some("won")), triggers::fired_by(&event.event_type, Some("lost"))]
            .concat();
    if !hooks.iter().any(|h| h.triggers.iter().any(|t| possible.contains(&t.as_str()))) {
        return Ok(Vec::new());
    }
    let decoded = event.decode()?;
    let stage_type = match &decoded {
        DomainEvent::DealStageChanged(changed) => Some(changed.to.kind.as_str()),
        _ => None,
    };
    let fired = triggers::fired_by(&event.event_type, stage_type);
    let metadata = event.metadata()?;
    let context = event.context()?;
    let facts = EventFacts {
        event_id: event.event_id,
        recorded_at: event.recorded_at,
        actor: &metadata.actor,
        request_id: metadata.request_id.as_deref(),
    };
    let deal = match DealId::from_stream(&event.stream) {
        Some(id) => folds.deal_after(conn, id, &decoded, &context)?,
        None => None,
    };
    let contact = match ContactId::from_stream(&event.stream) {
        Some(id) => folds.contact_after(conn, id, &decoded, &context)?,
        None => None,
    };
    let mut items = Vec::new();
    for trigger in fired {
        for hook in hooks.iter().filter(|h| h.triggers.iter().any(|t| t == trigger)) {
            let payload = match (&deal, &contact) {
                (Some(deal), _) => payload::deal_item(trigger, &decoded, deal, &facts, hook.id)?,
                (_, Some(contact)) => payload::contact_item(&decoded, contact, &facts, hook.id)?,
                _ => continue,
            };
            items.push(NewItem {
                hook_id: hook.id,
                position: event.position,
                event_id: event.event_id,
                trigger,
                payload,
            });
        }
    }
    Ok(items)
}
