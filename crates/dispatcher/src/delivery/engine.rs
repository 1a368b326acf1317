//! The delivery engine: the matcher tailing the log, and the lanes that send each hook's queue —
//! as events commit (immediate mode) or when the dispatch job runs (queue mode).

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use eventlog::{EventStore, StorageError};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::Notify;
use uuid::Uuid;

use super::client::Sender;
use super::error::DeliveryError;
use super::lane;
use super::matcher::Matcher;
use super::pacer::Pacers;
use super::report::{Lease, Report, Waiting};
use super::settings::{DeliverySettings, QueueMode};
use super::work::{Claimant, Context, Turn};
use super::{queue, schedule};
use crate::config::WebhookSettings;
use crate::targets::TargetPolicy;

/// Matches events to hooks and delivers them. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    context: Context,
    matcher: Matcher,
    items_ready: Arc<Notify>,
    /// Woken when hooks or settings change.
    changes: Arc<Notify>,
}

/// Why an immediate lane ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LaneEnd {
    /// Idle, failing, waiting or leased: the engine starts it again when work is due.
    Done,
    /// The queue mode holds the hook's items: immediate delivery hands over to the schedule.
    Held,
}

/// How long an idle lane waits for new items before it ends (the engine restarts it on demand).
const LANE_IDLE: Duration = Duration::from_secs(5);
/// How often the engine looks for due work when nothing wakes it.
const POLL: Duration = Duration::from_secs(1);

impl Engine {
    /// An engine delivering with the configuration's defaults, identifying itself to receivers
    /// with `origin` (`X-Origin-Base-URL`); `changes` is woken when hooks or settings change;
    /// `secrets` opens the hooks' sealed secrets.
    pub fn new(
        log: EventStore,
        config: &WebhookSettings,
        origin: String,
        changes: Arc<Notify>,
        secrets: domain::secrets::SecretBox,
    ) -> anyhow::Result<Self> {
        let defaults = DeliverySettings::from_config(config)
            .map_err(|errors| anyhow::anyhow!("the [webhooks] configuration is invalid: {errors}"))?;
        let sender = Sender::new(TargetPolicy { allow_private: config.allow_private_targets }, origin)?;
        let hours = i64::try_from(config.unpublish_after_hours).unwrap_or(i64::MAX / 3_600_000_000);
        let items_ready = Arc::new(Notify::new());
        let context = Context {
            log: log.clone(),
            sender,
            secrets: secrets.clone(),
            defaults,
            owner: format!("dealflow-{}", Uuid::now_v7().simple()),
            unpublish_after: chrono::Duration::try_hours(hours).unwrap_or(chrono::Duration::MAX),
            pacers: Pacers::default(),
        };
        let matcher = Matcher::new(log, items_ready.clone(), secrets);
        Ok(Self { inner: Arc::new(Inner { context, matcher, items_ready, changes }) })
    }

    /// The context the lanes share (the API's test and settings routes use it too).
    pub(super) fn context(&self) -> &Context {
        &self.inner.context
    }

    /// The name this process takes hook leases under.
    pub fn lease_owner(&self) -> &str {
        &self.inner.context.owner
    }

    /// Tells the engine that items were queued outside the matcher (replays).
    pub fn items_queued(&self) {
        self.inner.items_ready.notify_waiters();
    }

    /// Tells the engine that hooks or settings changed.
    pub fn configuration_changed(&self) {
        self.inner.changes.notify_waiters();
    }

    /// The settings in force.
    pub async fn settings(&self) -> Result<DeliverySettings, StorageError> {
        let defaults = self.inner.context.defaults.clone();
        self.inner.context.log.read_async(move |conn| Ok(DeliverySettings::load(conn, &defaults)?)).await
    }

    /// One pass, for tests: match every committed event, then run the dispatch job.
    pub async fn step(&self) -> Result<Report, DeliveryError> {
        self.dispatch(None, None).await
    }

    /// Matches every committed event to the hooks' queues without sending anything (tests use
    /// it to queue events while a turn is in flight).
    pub async fn match_committed(&self) -> Result<(), DeliveryError> {
        self.inner.matcher.catch_up().await?;
        Ok(())
    }

    /// One pass of immediate delivery, for tests: match every committed event, then give each
    /// due hook one turn as its immediate lane would (in queue mode the lanes send nothing).
    pub async fn step_lanes(&self) -> Result<Report, DeliveryError> {
        self.inner.matcher.catch_up().await?;
        let (due, _) = self.due_hooks(Utc::now()).await?;
        let mut report = Report::default();
        for hook in due {
            report.count(lane::turn(&self.inner.context, hook, Claimant::ImmediateLane, None).await?);
        }
        Ok(report)
    }

    /// The dispatch job (`dealflow dispatch`, and `serve` on `dispatch_schedule`): matches every
    /// committed event, then sends each due hook's queue — only `only`'s, at most `limit`
    /// events per hook — until it is empty or a delivery fails.
    /// An `only` hook that does not exist is [`DeliveryError::UnknownHook`].
    pub async fn dispatch(&self, only: Option<HookId>, limit: Option<usize>) -> Result<Report, DeliveryError> {
        if let Some(id) = only {
            self.require_hook(id).await?;
        }
        self.inner.matcher.catch_up().await?;
        let now = Utc::now();
        let (due, _) = self.due_hooks(now).await?;
        // Read before sending: a hook that fails in this run is reported as failed, not waiting.
        let mut report = Report { waiting: self.waiting(only, now).await?, ..Report::default() };
        let drains =
            due.into_iter().filter(|hook| only.is_none_or(|only| only == *hook)).map(|hook| self.drain(hook, limit));
        for drained in futures::future::join_all(drains).await {
            report.add(drained?);
        }
        Ok(report)
    }

    /// Failing hooks (only `only`) whose retry is not due at `now`, with their last reason.
    async fn waiting(&self, only: Option<HookId>, now: DateTime<Utc>) -> Result<Vec<Waiting>, StorageError> {
        self.inner.context.log.read_async(move |conn| Ok(super::report::waiting(conn, only, now)?)).await
    }

    async fn require_hook(&self, id: HookId) -> Result<(), DeliveryError> {
        let secrets = self.inner.context.secrets.clone();
        let found = self
            .inner
            .context
            .log
            .read_async(move |conn| Ok::<_, StorageError>(crate::hooks::store::find(conn, &secrets, id)?.is_some()))
            .await?;
        if found { Ok(()) } else { Err(DeliveryError::UnknownHook(id)) }
    }

    /// Turns for one hook until nothing is left to send, a delivery fails, or `limit` is spent.
    async fn drain(&self, hook: HookId, limit: Option<usize>) -> Result<Report, DeliveryError> {
        let mut report = Report::default();
        loop {
            let budget = limit.map(|limit| limit.saturating_sub(report.events));
            if budget == Some(0) {
                return Ok(report);
            }
            let turn = lane::turn(&self.inner.context, hook, Claimant::DispatchJob, budget).await?;
            if let Turn::Leased { until } = turn {
                report.leased.push(Lease { hook, until });
            }
            // Only a turn that delivered everything it sent may have more to send.
            if !report.count(turn) {
                return Ok(report);
            }
        }
    }

    /// Hooks with pending items due now, and the earliest time a waiting one falls due.
    async fn due_hooks(&self, now: DateTime<Utc>) -> Result<(Vec<HookId>, Option<DateTime<Utc>>), StorageError> {
        let waiting = self
            .inner
            .context
            .log
            .read_async(move |conn| Ok::<_, StorageError>(queue::waiting_hooks(conn, now)?))
            .await?;
        let mut due = Vec::new();
        let mut earliest: Option<DateTime<Utc>> = None;
        for (hook, at) in waiting {
            match at.filter(|at| *at > now) {
                Some(at) => earliest = Some(earliest.map_or(at, |e| e.min(at))),
                None => due.push(hook),
            }
        }
        Ok((due, earliest))
    }

    /// Runs [`Engine::run`] on a thread of its own with a single-threaded runtime. Ordered
    /// delivery is a ping-pong of request and answer, bound by latency rather than CPU: on one
    /// thread a lane and its connection wake each other without handing work across threads.
    pub fn run_on_own_thread(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<std::thread::JoinHandle<()>> {
        on_own_thread(move || self.run(shutdown))
    }

    /// Runs [`Engine::dispatch`] (`dealflow dispatch`) the way `serve` runs its lanes: on a
    /// thread of its own with a single-threaded runtime. Join the handle for the report.
    pub fn dispatch_on_own_thread(
        self,
        only: Option<HookId>,
        limit: Option<usize>,
    ) -> std::io::Result<std::thread::JoinHandle<Result<Report, DeliveryError>>> {
        on_own_thread(move || async move { self.dispatch(only, limit).await })
    }

    /// Runs the matcher and delivery until `shutdown` completes.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::select! {
            () = self.inner.matcher.run() => {}
            () = self.run_delivery() => {}
            () = shutdown => {}
        }
    }

    async fn run_delivery(&self) {
        loop {
            match self.settings().await {
                Ok(settings) if settings.queue_mode == QueueMode::Immediate => self.deliver_immediately().await,
                Ok(settings) => self.deliver_on_schedule(&settings).await,
                Err(error) => {
                    tracing::error!(%error, "cannot read the webhook settings; retrying in a second");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    }

    /// Immediate mode: a lane per hook with due items, until the settings change.
    async fn deliver_immediately(&self) {
        let mut lanes = FuturesUnordered::new();
        let mut active = HashSet::new();
        loop {
            let items_ready = self.inner.items_ready.notified();
            let changed = self.inner.changes.notified();
            tokio::pin!(items_ready, changed);
            items_ready.as_mut().enable();
            changed.as_mut().enable();
            let wait = match self.due_hooks(Utc::now()).await {
                Ok((due, earliest)) => {
                    for hook in due.into_iter().filter(|hook| active.insert(*hook)) {
                        lanes.push(self.lane(hook));
                    }
                    earliest.and_then(|at| (at - Utc::now()).to_std().ok()).map_or(POLL, |wait| wait.min(POLL))
                }
                Err(error) => {
                    tracing::error!(%error, "cannot read the delivery queue");
                    POLL
                }
            };
            tokio::select! {
                Some((hook, ended)) = lanes.next() => {
                    active.remove(&hook);
                    if ended == LaneEnd::Held {
                        // The mode is queue now, even if the change's wake-up was missed.
                        while lanes.next().await.is_some() {}
                        return;
                    }
                }
                () = &mut items_ready => {}
                () = &mut changed => {
                    if !matches!(self.settings().await, Ok(s) if s.queue_mode == QueueMode::Immediate) {
                        // Let the lanes finish their turns, then hand over to the schedule.
                        while lanes.next().await.is_some() {}
                        return;
                    }
                }
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// One hook's lane in immediate mode: turns while there is work, resting briefly when idle.
    /// Each claim reads the settings, so a switch to queue mode ends a busy lane at its next
    /// claim; a resting lane also wakes on the change.
    async fn lane(&self, hook: HookId) -> (HookId, LaneEnd) {
        loop {
            let items_ready = self.inner.items_ready.notified();
            let changed = self.inner.changes.notified();
            tokio::pin!(items_ready, changed);
            items_ready.as_mut().enable();
            changed.as_mut().enable();
            match lane::turn(&self.inner.context, hook, Claimant::ImmediateLane, None).await {
                Ok(Turn::Delivered { .. }) => {}
                Ok(Turn::Idle) => {
                    let woken = async {
                        tokio::select! {
                            () = &mut items_ready => {}
                            () = &mut changed => {}
                        }
                    };
                    if tokio::time::timeout(LANE_IDLE, woken).await.is_err() {
                        return (hook, LaneEnd::Done);
                    }
                }
                Ok(Turn::Held) => return (hook, LaneEnd::Held),
                Ok(Turn::Failed { .. } | Turn::Waiting { .. } | Turn::Leased { .. }) => return (hook, LaneEnd::Done),
                Err(error) => {
                    tracing::error!(%error, hook = %hook, "a delivery turn failed");
                    return (hook, LaneEnd::Done);
                }
            }
        }
    }

    /// Queue mode: the dispatch job at each time of `dispatch_schedule`, until the settings change.
    async fn deliver_on_schedule(&self, settings: &DeliverySettings) {
        let next = settings.cron().and_then(|cron| schedule::next_run(&cron, Utc::now()));
        let wait = next.and_then(|at| (at - Utc::now()).to_std().ok()).unwrap_or(Duration::from_secs(60));
        tokio::select! {
            () = tokio::time::sleep(wait) => {
                match self.dispatch(None, None).await {
                    Ok(report) if report.deliveries > 0 || report.failures > 0 => {
                        tracing::info!(deliveries = report.deliveries, events = report.events, failures = report.failures, "dispatched the queue");
                    }
                    Ok(_) => {}
                    Err(error) => tracing::error!(%error, "the dispatch job failed"),
                }
            }
            () = self.inner.changes.notified() => {}
        }
    }
}

/// Runs the future `start` makes on a thread named `dispatcher` with a single-threaded runtime.
fn on_own_thread<T: Send + 'static, F: Future<Output = T>>(
    start: impl FnOnce() -> F + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<T>> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    std::thread::Builder::new().name("dispatcher".into()).spawn(move || runtime.block_on(start()))
}
