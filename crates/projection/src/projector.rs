//! The projector: tails the log from its checkpoint and applies each batch of events to the read
//! models, saving the new checkpoint in the same transaction (exactly once). Events are read and
//! decoded off the writer thread; the write unit only runs SQL.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use domain::events::{DecodeError, DomainEvent};
use eventlog::consumer::{self, Consumer};
use eventlog::sql::Db;
use eventlog::{EventLog, EventStore, Lease, RecordedEvent, StorageError, Transaction};

use crate::writes::{self, BoardDelta, Stored};

/// The projector's checkpoint name.
pub const CONSUMER: &str = "projection";

/// How long the projector's lease lasts after each renewal unless configured
/// (`[roles] lease_seconds`).
pub const DEFAULT_LEASE: std::time::Duration = std::time::Duration::from_secs(10);

/// What one [`Projector::step`] did.
pub type Step = consumer::Step<()>;

/// Maintains the read models from the log.
#[derive(Clone)]
pub struct Projector {
    log: EventStore,
    batch: usize,
    /// A test-only fault: the next run panics (`DEALFLOW_TEST_FAULT=projector_panic`).
    panic_injected: Arc<AtomicBool>,
    /// One process at a time projects (the others stand by).
    lease: Lease,
}

impl Projector {
    /// A projector applying up to 512 events per transaction.
    pub fn new(log: EventStore) -> Self {
        Self::with_batch(log, 512)
    }

    /// A projector applying up to `batch` events per transaction.
    pub fn with_batch(log: EventStore, batch: usize) -> Self {
        Self { log, batch: batch.max(1), panic_injected: Arc::default(), lease: Lease::new(CONSUMER, DEFAULT_LEASE) }
    }

    /// Applies the next batch of events, if any.
    pub async fn step(&self) -> Result<Step, StorageError> {
        consumer::step(&self.log, self).await
    }

    /// Makes the projector's run panic, for the end-to-end test of the supervisor; only
    /// `DEALFLOW_TEST_FAULT=projector_panic` turns it on.
    pub fn inject_panic(&self) {
        self.panic_injected.store(true, Ordering::SeqCst);
    }

    /// The same projector under a lease that runs out `ttl` after its last renewal.
    pub fn with_lease(mut self, ttl: std::time::Duration) -> Self {
        self.lease = Lease::new(CONSUMER, ttl);
        self
    }

    /// The lease that lets one process at a time project.
    pub fn lease(&self) -> &Lease {
        &self.lease
    }

    /// Runs until `shutdown` resolves, waking after each commit, while this process holds the
    /// projector's lease (standing by while another does).
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        if self.panic_injected.load(Ordering::SeqCst) {
            panic!("injected fault: the projector panics (DEALFLOW_TEST_FAULT=projector_panic)");
        }
        consumer::run_leased(&self.log, &self, &self.lease.clone(), shutdown).await;
    }
}

impl Consumer for Projector {
    type Prepared = Vec<(Option<DomainEvent>, Stored)>;
    type Applied = ();

    const NAME: &'static str = CONSUMER;

    fn batch(&self) -> usize {
        self.batch
    }

    fn prepare(&self, _: &Db<'_>, events: Vec<RecordedEvent>) -> Result<Self::Prepared, StorageError> {
        Ok(events.iter().map(|event| (decode(event), stored(event))).collect())
    }

    fn apply(tx: &mut Transaction<'_>, events: Self::Prepared) -> Result<(), StorageError> {
        let mut board = BoardDelta::default();
        for (event, stored) in events.iter().filter_map(|(e, s)| e.as_ref().map(|e| (e, s))) {
            writes::apply(tx.sql(), event, stored, &mut board)?;
        }
        Ok(board.flush(tx.sql())?)
    }

    fn committed(&self, events: usize, (): &()) {
        metrics::counter!("dealflow_projected_events_total").increment(events as u64);
    }
}

/// Decodes an event the read models use; others (inbound records, sources, hooks, types of a
/// newer version) are not even parsed. An event that cannot be read is logged and skipped rather
/// than stopping every read model.
fn decode(event: &RecordedEvent) -> Option<DomainEvent> {
    if !writes::applies_to(&event.event_type) {
        return None;
    }
    match event.decode() {
        Ok(decoded) => Some(decoded),
        Err(DecodeError::UnknownType(_)) => None,
        Err(error) => {
            tracing::error!(position = event.position, %error, "skipping an event the read models cannot read");
            metrics::counter!("dealflow_projection_skipped_events_total").increment(1);
            None
        }
    }
}

fn stored(event: &RecordedEvent) -> Stored {
    // Only notes record who wrote them; parsing every event's metadata would be wasted work.
    let author = (event.event_type == "deal.note_added").then(|| event.metadata().ok().map(|m| m.actor)).flatten();
    Stored { stream: event.stream.clone(), version: event.version, recorded_at: event.recorded_at, author }
}

/// Drops every read model and rebuilds it from the whole log in batches of `batch` events,
/// reporting progress as (position reached, head). Answers the number of events replayed.
pub async fn rebuild(log: &EventStore, batch: usize, progress: impl Fn(u64, u64)) -> Result<u64, StorageError> {
    log.write(|tx| {
        writes::clear(tx.sql())?;
        tx.save_checkpoint(CONSUMER, 0)
    })
    .await?;
    let head = log.head()?;
    let projector = Projector::with_batch(log.clone(), batch);
    let mut replayed = 0;
    loop {
        match projector.step().await? {
            Step::Applied { to, events, .. } => {
                replayed += events as u64;
                progress(to, head.max(to));
            }
            Step::Raced => {}
            Step::Idle { .. } => return Ok(replayed),
        }
    }
}
