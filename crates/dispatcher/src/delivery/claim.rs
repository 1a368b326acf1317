//! Claiming a hook's next deliveries inside a write unit: the lease that keeps other dispatch
//! jobs off the hook, the delivery being retried first, then the queue in the hook's order —
//! a delivery formed earlier (a batch claimed before a crash) when its items come next, or new
//! deliveries from the items before it.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use eventlog::sql::Db;
use eventlog::{StorageError, Transaction};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::queue;
use super::settings::{DeliverySettings, QueueMode};
use super::state::{self, HookState};
use super::work::{Claimant, Delivery, Work};
use crate::hooks::{OrderDir, store};

/// Events claimed at once in immediate mode.
const IMMEDIATE_CHUNK: usize = 256;
/// Batches claimed at once in queue mode (at least [`IMMEDIATE_CHUNK`] events).
const QUEUE_BATCHES: usize = 10;
/// Lease beyond the receiver timeout: time to settle, and slack.
const LEASE_MARGIN: Duration = Duration::from_secs(5);

/// What to claim.
pub struct Wanted<'a> {
    pub hook: HookId,
    /// Who claims (decides whether the queue mode lets it send).
    pub by: Claimant,
    /// This process's name on the lease.
    pub owner: &'a str,
    pub defaults: &'a DeliverySettings,
    /// Opens the hook's secret.
    pub secrets: &'a domain::secrets::SecretBox,
    /// At most this many events (`dealflow dispatch --limit`).
    pub budget: Option<usize>,
    /// Items already claimed and not yet settled (the lane sends them before these).
    pub exclude: &'a HashSet<u64>,
}

/// Why nothing was claimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unclaimed {
    /// No pending item, or the hook is not live.
    Empty,
    /// The queue mode holds the hook's items for the dispatch job (the claimant is a lane).
    Held,
    /// The delivery being retried is not due before this time.
    NotDue(DateTime<Utc>),
    /// Another dispatch job holds the hook's lease, until this time.
    Leased(DateTime<Utc>),
}

/// What a claim came to: deliveries to send under the lease, or why there are none.
pub type Claimed = Result<Work, Unclaimed>;

/// Takes (or renews) the hook's lease and its next deliveries, or says why there is nothing to
/// do. The lease is left as it is when nothing is claimed: the caller gives it back.
pub fn claim(tx: &mut Transaction<'_>, wanted: &Wanted<'_>, now: DateTime<Utc>) -> Result<Claimed, StorageError> {
    let (conn, id) = (tx.sql(), wanted.hook);
    let Some(hook) = store::find(conn, wanted.secrets, id)?.filter(|hook| hook.is_live(now)) else {
        return Ok(Err(Unclaimed::Empty));
    };
    let settings = DeliverySettings::load(conn, wanted.defaults)?;
    if !wanted.by.sends_in(settings.queue_mode) {
        return Ok(Err(Unclaimed::Held));
    }
    let state = state::state(conn, id)?;
    if let Some(until) = state.next_attempt_at.filter(|due| *due > now) {
        return Ok(Err(Unclaimed::NotDue(until)));
    }
    let lease = Duration::from_secs(settings.timeout) + LEASE_MARGIN;
    let lease_until = Instant::now() + lease;
    let lease_ends = now + chrono::Duration::from_std(lease).unwrap_or_default();
    if !state::take_lease(conn, id, wanted.owner, lease_ends, now)? {
        let until = state::lease_until(conn, id)?.unwrap_or(now);
        return Ok(Err(Unclaimed::Leased(until)));
    }
    let newest_first = hook.events_orderby_dir.unwrap_or(settings.events_orderby_dir) == OrderDir::Desc;
    let deliveries = match retried(conn, id, &state, newest_first)? {
        Some(retried) => vec![retried],
        None => next_deliveries(conn, id, &settings, newest_first, wanted)?,
    };
    if deliveries.is_empty() {
        return Ok(Err(Unclaimed::Empty));
    }
    Ok(Ok(Work { hook, settings, state, deliveries, lease_until }))
}

/// The delivery being retried, if its items are still queued: the same items under the same id.
fn retried(
    conn: &Db<'_>,
    id: HookId,
    state: &HookState,
    newest_first: bool,
) -> eventlog::sql::Result<Option<Delivery>> {
    let Some(delivery_id) = &state.retrying else { return Ok(None) };
    let items = queue::delivery(conn, id, delivery_id, newest_first)?;
    Ok((!items.is_empty()).then(|| Delivery { id: delivery_id.clone(), items }))
}

/// The next deliveries in the hook's order, leaving out items claimed ahead. When the next item
/// already belongs to a delivery, that delivery; otherwise the items up to the next formed
/// delivery, in deliveries of at most `batch_limit`. In queue mode that is the batch; in
/// immediate mode a delivery normally holds the one event just committed, and only events that
/// piled up behind a slow answer go out together. A one-event delivery's id derives from the
/// hook, event and trigger; a batch gets a new id stored with its items, so that after a crash it
/// goes out again as it was.
fn next_deliveries(
    conn: &Db<'_>,
    id: HookId,
    settings: &DeliverySettings,
    newest_first: bool,
    wanted: &Wanted<'_>,
) -> eventlog::sql::Result<Vec<Delivery>> {
    let per_delivery = settings.batch_limit as usize;
    let limit = match settings.queue_mode {
        QueueMode::Immediate => IMMEDIATE_CHUNK.max(per_delivery),
        // Small batches are claimed as many at once as immediate mode claims events: with
        // `batch_limit` 1 a claim of ten cost `dealflow dispatch` a write unit per ten requests.
        QueueMode::Queue => (per_delivery * QUEUE_BATCHES).max(IMMEDIATE_CHUNK),
    };
    let limit = wanted.budget.map_or(limit, |budget| budget.min(limit));
    let heads = queue::heads(conn, id, newest_first, limit + wanted.exclude.len())?;
    let mut heads = heads.into_iter().filter(|(item, _)| !wanted.exclude.contains(item)).peekable();
    if let Some((_, Some(formed))) = heads.peek() {
        let items = queue::delivery(conn, id, formed, newest_first)?;
        return Ok(vec![Delivery { id: formed.clone(), items }]);
    }
    let fresh: Vec<u64> = heads.map_while(|(item, formed)| formed.is_none().then_some(item)).take(limit).collect();
    let mut deliveries = Vec::new();
    for batch in queue::items(conn, &fresh)?.chunks(per_delivery) {
        let delivery_id = match batch {
            [single] => single_event_id(id, single),
            _ => {
                let delivery_id = format!("msg_{}", Uuid::now_v7().simple());
                queue::assign(conn, &batch.iter().map(|item| item.id).collect::<Vec<_>>(), &delivery_id)?;
                delivery_id
            }
        };
        deliveries.push(Delivery { id: delivery_id, items: batch.to_vec() });
    }
    Ok(deliveries)
}

/// The `webhook-id` of a one-event delivery: the same for the same hook, event and trigger.
fn single_event_id(hook: HookId, item: &queue::Item) -> String {
    let digest = Sha256::digest(format!("{hook}:{}:{}", item.event_id, item.trigger));
    format!("msg_{}", hex::encode(&digest[..16]))
}

#[cfg(test)]
#[path = "claim_tests.rs"]
mod tests;
