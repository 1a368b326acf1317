//! Matching: the dispatcher tails the log from its checkpoint and, for every event and every hook
//! whose triggers it fires, records a pending delivery item in the same transaction as the new
//! checkpoint (at-least-once: nothing is skipped across restarts).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use domain::DomainEvent;
use domain::ids::{ContactId, DealId};
use eventlog::{EventFilter, RecordedEvent, SqliteEventLog, StorageError, reader};
use rusqlite::Connection;
use tokio::sync::Notify;

use super::folds::FoldCache;
use super::payload::{self, EventFacts};
use super::queue::{self, NewItem};
use crate::hooks::{Hook, store, triggers};

/// The matcher's checkpoint name.
pub const CONSUMER: &str = "dispatcher";

/// What one [`Matcher::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchStep {
    /// Nothing new after position `at`.
    Idle { at: u64 },
    /// Matched `events` events, up to `to`, recording `items` items.
    Matched { to: u64, events: usize, items: usize },
    /// Another matcher moved the checkpoint first.
    Raced,
}

/// Tails the log and records delivery items.
#[derive(Clone)]
pub struct Matcher {
    log: SqliteEventLog,
    folds: Arc<Mutex<FoldCache>>,
    items_ready: Arc<Notify>,
}

/// Events matched per step at most.
pub const BATCH: usize = 512;

impl Matcher {
    /// A matcher that wakes `items_ready` after recording items.
    pub fn new(log: SqliteEventLog, items_ready: Arc<Notify>) -> Self {
        Self { log, folds: Arc::default(), items_ready }
    }

    /// Matches the next batch of events, if any.
    pub async fn step(&self, now: DateTime<Utc>) -> Result<MatchStep, StorageError> {
        let folds = self.folds.clone();
        let prepared = self
            .log
            .read_async(move |conn| {
                let from = reader::checkpoint(conn, CONSUMER)?;
                let events = reader::read_all(conn, from, BATCH, &EventFilter::default())?;
                let Some(to) = events.last().map(|e| e.position) else { return Ok::<_, StorageError>((from, None)) };
                let matched = events.len();
                let hooks: Vec<Hook> = store::all(conn)?.into_iter().filter(|h| accepts_items(h, now)).collect();
                let mut folds = folds.lock().unwrap_or_else(|p| p.into_inner());
                let mut items = Vec::new();
                for event in &events {
                    let subscribed: Vec<&Hook> = hooks.iter().filter(|h| h.created_position < event.position).collect();
                    items.extend(items_for(conn, &mut folds, event, &subscribed)?);
                }
                Ok((from, Some((to, matched, items))))
            })
            .await?;
        let (from, Some((to, events, items))) = prepared else { return Ok(MatchStep::Idle { at: prepared.0 }) };
        let count = items.len();
        let recorded = self
            .log
            .write(move |tx| {
                if reader::checkpoint(tx.sql(), CONSUMER)? != from {
                    return Ok(false);
                }
                queue::insert_items(tx.sql(), &items, tx.recorded_at())?;
                tx.save_checkpoint(CONSUMER, to)?;
                Ok::<_, StorageError>(true)
            })
            .await?;
        if !recorded {
            return Ok(MatchStep::Raced);
        }
        if count > 0 {
            self.items_ready.notify_waiters();
        }
        Ok(MatchStep::Matched { to, events, items: count })
    }

    /// Steps until nothing is left.
    pub async fn catch_up(&self, now: DateTime<Utc>) -> Result<(), StorageError> {
        while !matches!(self.step(now).await?, MatchStep::Idle { .. }) {}
        Ok(())
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
