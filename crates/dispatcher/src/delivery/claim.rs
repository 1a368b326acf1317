//! Claiming a hook's next deliveries inside a write unit: the lease that keeps other dispatch
//! jobs off the hook, the delivery being retried first, then the queue in the hook's order —
//! a delivery formed earlier (a batch claimed before a crash) when its items come next, or new
//! deliveries from the items before it.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use eventlog::{StorageError, Transaction};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::queue;
use super::settings::{DeliverySettings, QueueMode};
use super::state::{self, HookState};
use super::work::{Delivery, Turn, Work};
use crate::hooks::{OrderDir, store};

/// Events claimed at once in immediate mode.
const IMMEDIATE_CHUNK: usize = 256;
/// Batches claimed at once in queue mode.
const QUEUE_BATCHES: usize = 10;
/// Lease beyond the receiver timeout: time to settle, and slack.
const LEASE_MARGIN: Duration = Duration::from_secs(5);

/// Who claims. In queue mode only the dispatch job sends; the settings are read at every claim,
/// so a mode change reaches a lane that is busy sending at its very next claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claimant {
    /// A lane of immediate mode, sending as events commit.
    ImmediateLane,
    /// The dispatch job (`dealflow dispatch`, or `serve` on `dispatch_schedule`): sends in any mode.
    DispatchJob,
}

impl Claimant {
    /// Whether this claimant may send now under `mode`.
    pub fn sends_in(self, mode: QueueMode) -> bool {
        self == Self::DispatchJob || mode == QueueMode::Immediate
    }
}

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

/// Takes (or renews) the hook's lease and its next deliveries, or says why there is nothing to
/// do. The lease is left as it is when nothing is claimed: the caller gives it back.
pub fn claim(
    tx: &mut Transaction<'_>,
    wanted: &Wanted<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Work, Turn>, StorageError> {
    let (conn, id) = (tx.sql(), wanted.hook);
    let Some(hook) = store::find(conn, wanted.secrets, id)?.filter(|hook| hook.is_live(now)) else {
        return Ok(Err(Turn::Idle));
    };
    let settings = DeliverySettings::load(conn, wanted.defaults)?;
    if !wanted.by.sends_in(settings.queue_mode) {
        return Ok(Err(Turn::Held));
    }
    let state = state::state(conn, id)?;
    if let Some(until) = state.next_attempt_at.map(eventlog::from_micros).filter(|due| *due > now) {
        return Ok(Err(Turn::Waiting { until }));
    }
    let lease = Duration::from_secs(settings.timeout) + LEASE_MARGIN;
    let lease_until = Instant::now() + lease;
    if !state::take_lease(
        conn,
        id,
        wanted.owner,
        now.timestamp_micros() + lease.as_micros() as i64,
        now.timestamp_micros(),
    )? {
        let until = state::lease_until(conn, id)?.map_or(now, eventlog::from_micros);
        return Ok(Err(Turn::Leased { until }));
    }
    let newest_first = hook.events_orderby_dir.unwrap_or(settings.events_orderby_dir) == OrderDir::Desc;
    let deliveries = match retried(conn, id, &state, newest_first)? {
        Some(retried) => vec![retried],
        None => next_deliveries(conn, id, &settings, newest_first, wanted)?,
    };
    if deliveries.is_empty() {
        return Ok(Err(Turn::Idle));
    }
    Ok(Ok(Work { hook, settings, state, deliveries, lease_until }))
}

/// The delivery being retried, if its items are still queued: the same items under the same id.
fn retried(conn: &Connection, id: HookId, state: &HookState, newest_first: bool) -> rusqlite::Result<Option<Delivery>> {
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
    conn: &Connection,
    id: HookId,
    settings: &DeliverySettings,
    newest_first: bool,
    wanted: &Wanted<'_>,
) -> rusqlite::Result<Vec<Delivery>> {
    let per_delivery = settings.batch_limit as usize;
    let limit = match settings.queue_mode {
        QueueMode::Immediate => IMMEDIATE_CHUNK.max(per_delivery),
        QueueMode::Queue => per_delivery * QUEUE_BATCHES,
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
mod tests {
    use super::*;
    use crate::WebhookSettings;
    use crate::delivery::queue::NewItem;
    use crate::hooks::{Hook, PayloadFormat, SignatureFormat};
    use eventlog::{LogSettings, SqliteEventLog};

    const HOOK: HookId = HookId(1);

    fn hook() -> Hook {
        Hook {
            id: HOOK,
            name: "test".into(),
            description: None,
            webhook_url: "http://127.0.0.1:9/in".into(),
            secret: "secret".into(),
            events_orderby_dir: None,
            is_published: true,
            publish_up: None,
            publish_down: None,
            date_added: Utc::now(),
            created_by: None,
            created_by_user: None,
            date_modified: None,
            modified_by: None,
            modified_by_user: None,
            category: None,
            triggers: vec!["dealflow.deal.created".into()],
            payload_format: PayloadFormat::Mautic,
            signature_format: SignatureFormat::Mautic,
            unpublished_reason: None,
            created_position: 0,
        }
    }

    /// A log whose hook has items at positions 1 to 6, 3 and 4 formed into one batch.
    fn queue() -> (tempfile::TempDir, SqliteEventLog) {
        let dir = tempfile::tempdir().unwrap();
        let migrations: Vec<_> = eventlog::migrations::MIGRATIONS.iter().chain(crate::MIGRATIONS).cloned().collect();
        let log = SqliteEventLog::open(&dir.path().join("q.db"), &migrations, LogSettings::default()).unwrap();
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

    fn claim_as(log: &SqliteEventLog, owner: &'static str, exclude: &[u64]) -> Result<Vec<Vec<u64>>, Turn> {
        claim_by(log, Claimant::DispatchJob, owner, exclude)
    }

    fn claim_by(
        log: &SqliteEventLog,
        by: Claimant,
        owner: &'static str,
        exclude: &[u64],
    ) -> Result<Vec<Vec<u64>>, Turn> {
        let exclude: HashSet<u64> = exclude.iter().copied().collect();
        log.write(move |tx| {
            let defaults = DeliverySettings::from_config(&WebhookSettings::default()).unwrap();
            let secrets = domain::secrets::SecretBox::from_key(&[1; 32]);
            let wanted = Wanted {
                hook: HOOK,
                by,
                owner,
                defaults: &defaults,
                secrets: &secrets,
                budget: None,
                exclude: &exclude,
            };
            let now = tx.recorded_at();
            Ok::<_, StorageError>(claim(tx, &wanted, now)?.map(|work| {
                work.deliveries.iter().map(|d| d.items.iter().map(|item| item.position).collect()).collect()
            }))
        })
        .wait_blocking()
        .unwrap()
    }

    fn deliver(log: &SqliteEventLog, ids: &[u64]) {
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
        assert_eq!(claim_as(&log, "me", &[1, 2, 3, 4, 5, 6]), Err(Turn::Idle));
    }

    #[test]
    fn the_delivery_being_retried_goes_first() {
        let (_dir, log) = queue();
        let retrying = HookState { retrying: Some("msg_formed".into()), ..HookState::default() };
        log.write(move |tx| Ok::<_, StorageError>(state::save_state(tx.sql(), HOOK, &retrying)?))
            .wait_blocking()
            .unwrap();
        assert_eq!(claim_as(&log, "me", &[]), Ok(vec![vec![3, 4]]));
    }

    #[test]
    fn another_jobs_lease_keeps_the_hook_until_it_expires() {
        let (_dir, log) = queue();
        assert!(claim_as(&log, "serve", &[]).is_ok());
        assert!(matches!(claim_as(&log, "cron", &[]), Err(Turn::Leased { until }) if until > Utc::now()));
        assert!(claim_as(&log, "serve", &[]).is_ok(), "the holder renews it");
    }

    fn set_mode(log: &SqliteEventLog, mode: &str) {
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
        assert_eq!(claim_by(&log, Claimant::ImmediateLane, "me", &[1, 2]), Err(Turn::Held));
        assert_eq!(claim_by(&log, Claimant::DispatchJob, "me", &[1, 2]), Ok(vec![vec![3, 4]]));
        set_mode(&log, "immediate");
        assert_eq!(claim_by(&log, Claimant::ImmediateLane, "me", &[1, 2]), Ok(vec![vec![3, 4]]));
    }
}
