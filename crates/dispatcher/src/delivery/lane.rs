//! One hook's turn: claim the next deliveries under a lease (one write unit), send them one after
//! another, and settle every outcome (one write unit). A failure stops the turn, so with ASC a
//! batch never goes out before the previous one succeeded.

use std::time::{Duration, Instant};

use api::CommandError;
use chrono::{DateTime, Utc};
use domain::ids::HookId;
use eventlog::{SqliteEventLog, StorageError, Transaction};
use uuid::Uuid;

use super::client::{Answer, Sender};
use super::settings::{DeliverySettings, QueueMode};
use super::state::{self, HookState};
use super::{payload, queue, settle};
use crate::hooks::{Hook, OrderDir, store};

/// What every lane shares.
pub struct Context {
    pub log: SqliteEventLog,
    pub sender: Sender,
    /// The configuration's settings, until the API stores its own.
    pub defaults: DeliverySettings,
    /// This process's name on the leases it takes.
    pub owner: String,
    /// How long a hook may fail without a single success before it is unpublished.
    pub unpublish_after: chrono::Duration,
}

/// What a turn came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// Nothing to send: no pending items, or the hook is not live.
    Idle,
    /// Every delivery sent succeeded; more items may be waiting.
    Delivered { deliveries: usize, events: usize },
    /// A delivery failed after `delivered` others succeeded.
    Failed { delivered: usize },
    /// The delivery being retried is not due before `until`.
    Waiting { until: DateTime<Utc> },
    /// Another dispatch job holds the hook's lease.
    Leased,
}

/// Items sent together under one `webhook-id`.
pub struct Delivery {
    pub id: String,
    pub items: Vec<queue::Item>,
}

/// What a claim hands to the sending phase.
pub struct Work {
    pub hook: Hook,
    pub settings: DeliverySettings,
    pub state: HookState,
    pub deliveries: Vec<Delivery>,
}

/// Single-event deliveries claimed at once in immediate mode.
const IMMEDIATE_CHUNK: usize = 256;
/// Batches claimed at once in queue mode.
const QUEUE_BATCHES: usize = 10;
/// A turn starts no new send after this long, so that it always settles within its lease.
const SEND_WINDOW: Duration = Duration::from_secs(2);
/// Lease beyond the receiver timeout: the send window, the settling write, and slack.
const LEASE_MARGIN: Duration = Duration::from_secs(5);

/// One turn for one hook: at most `budget` events (for `dealflow dispatch --limit`).
pub async fn turn(context: &Context, hook: HookId, budget: Option<usize>) -> Result<Turn, CommandError> {
    let (owner, defaults, now) = (context.owner.clone(), context.defaults.clone(), Utc::now());
    let claimed = context.log.write(move |tx| claim(tx, hook, &owner, &defaults, now, budget)).await?;
    let work = match claimed {
        Ok(work) => work,
        Err(turn) => return Ok(turn),
    };
    let answers = send(&context.sender, &work).await;
    settle::settle(context, work, answers).await
}

/// Takes the hook's lease and its next deliveries, or says why there is nothing to do.
fn claim(
    tx: &mut Transaction<'_>,
    id: HookId,
    owner: &str,
    defaults: &DeliverySettings,
    now: DateTime<Utc>,
    budget: Option<usize>,
) -> Result<Result<Work, Turn>, StorageError> {
    let conn = tx.sql();
    let Some(hook) = store::find(conn, id)?.filter(|hook| hook.is_live(now)) else { return Ok(Err(Turn::Idle)) };
    let settings = DeliverySettings::load(conn, defaults)?;
    let state = state::state(conn, id)?;
    if let Some(until) = state.next_attempt_at.map(eventlog::from_micros).filter(|due| *due > now) {
        return Ok(Err(Turn::Waiting { until }));
    }
    let lease = Duration::from_secs(settings.timeout) + LEASE_MARGIN;
    let until = now.timestamp_micros() + lease.as_micros() as i64;
    if !state::take_lease(conn, id, owner, until, now.timestamp_micros())? {
        return Ok(Err(Turn::Leased));
    }
    let newest_first = hook.events_orderby_dir.unwrap_or(settings.events_orderby_dir) == OrderDir::Desc;
    let deliveries = match open_delivery(conn, id, newest_first)? {
        Some(open) => vec![open],
        None => new_deliveries(conn, id, &settings, newest_first, budget)?,
    };
    if deliveries.is_empty() {
        state::release_lease(conn, id, owner)?;
        return Ok(Err(Turn::Idle));
    }
    Ok(Ok(Work { hook, settings, state, deliveries }))
}

/// The delivery already sent and being retried: the same items under the same id.
fn open_delivery(conn: &rusqlite::Connection, id: HookId, newest_first: bool) -> rusqlite::Result<Option<Delivery>> {
    let items = queue::open_delivery(conn, id, newest_first)?;
    Ok(items.first().and_then(|first| first.delivery_id.clone()).map(|id| Delivery { id, items }))
}

/// The next pending items, one per delivery in immediate mode or in batches of `batch_limit`,
/// each under a new id stored with its items so that a retry (even after a crash) reuses it.
fn new_deliveries(
    conn: &rusqlite::Connection,
    id: HookId,
    settings: &DeliverySettings,
    newest_first: bool,
    budget: Option<usize>,
) -> rusqlite::Result<Vec<Delivery>> {
    let per_delivery = match settings.queue_mode {
        QueueMode::Immediate => 1,
        QueueMode::Queue => settings.batch_limit as usize,
    };
    let wanted = match settings.queue_mode {
        QueueMode::Immediate => IMMEDIATE_CHUNK,
        QueueMode::Queue => per_delivery * QUEUE_BATCHES,
    };
    let items = queue::next_items(conn, id, newest_first, budget.map_or(wanted, |b| b.min(wanted)))?;
    let mut deliveries = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let batch: Vec<_> = items.by_ref().take(per_delivery).collect();
        let delivery_id = format!("msg_{}", Uuid::now_v7().simple());
        queue::assign(conn, &batch.iter().map(|item| item.id).collect::<Vec<_>>(), &delivery_id)?;
        deliveries.push(Delivery { id: delivery_id, items: batch });
    }
    Ok(deliveries)
}

/// Sends the claimed deliveries in order until one fails or the send window closes.
async fn send(sender: &Sender, work: &Work) -> Vec<Answer> {
    let started = Instant::now();
    let timeout = Duration::from_secs(work.settings.timeout);
    let mut answers = Vec::with_capacity(work.deliveries.len());
    for delivery in &work.deliveries {
        if !answers.is_empty() && started.elapsed() > SEND_WINDOW {
            break;
        }
        let body = payload::body(work.hook.payload_format, &delivery.items);
        let answer = sender.send(&work.hook, &delivery.id, body, timeout, Utc::now()).await;
        let failed = !answer.succeeded();
        answers.push(answer);
        if failed {
            break;
        }
    }
    answers
}
