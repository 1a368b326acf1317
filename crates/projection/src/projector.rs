//! The projector: tails the log from its checkpoint and applies each batch of events to the read
//! models, saving the new checkpoint in the same transaction (exactly once). Events are read and
//! decoded off the writer thread; the write unit only runs SQL.

use std::future::Future;
use std::time::Duration;

use domain::events::{DecodeError, DomainEvent};
use eventlog::{EventFilter, EventLog, RecordedEvent, SqliteEventLog, StorageError, reader};

use crate::writes::{self, BoardDelta, Stored};

/// The projector's checkpoint name.
pub const CONSUMER: &str = "projection";

/// What one [`Projector::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing new after position `at`.
    Idle { at: u64 },
    /// Applied the events after `from` up to `to`.
    Applied { from: u64, to: u64, events: usize },
    /// Another projector moved the checkpoint first; nothing was applied.
    Raced,
}

/// How long the projector lets events gather after a partial step (commands that wait for their
/// changes to be projected wait this much longer at most).
const GATHER: Duration = Duration::from_millis(2);

/// Maintains the read models from the log.
#[derive(Clone)]
pub struct Projector {
    log: SqliteEventLog,
    batch: usize,
}

impl Projector {
    /// A projector applying up to 512 events per transaction.
    pub fn new(log: SqliteEventLog) -> Self {
        Self::with_batch(log, 512)
    }

    /// A projector applying up to `batch` events per transaction.
    pub fn with_batch(log: SqliteEventLog, batch: usize) -> Self {
        Self { log, batch: batch.max(1) }
    }

    /// Applies the next batch of events, if any.
    pub async fn step(&self) -> Result<Step, StorageError> {
        let batch = self.batch;
        let (from, events) = self
            .log
            .read_async(move |conn| {
                let from = reader::checkpoint(conn, CONSUMER)?;
                let events = reader::read_all(conn, from, batch, &EventFilter::default())?;
                Ok::<_, StorageError>((from, decode_all(&events)))
            })
            .await?;
        let Some(to) = events.last().map(|(position, _, _)| *position) else { return Ok(Step::Idle { at: from }) };
        let count = events.len();
        let applied = self
            .log
            .write(move |tx| {
                if reader::checkpoint(tx.sql(), CONSUMER)? != from {
                    return Ok(false);
                }
                let mut board = BoardDelta::default();
                for (_, event, stored) in events.iter().filter_map(|(p, e, s)| e.as_ref().map(|e| (p, e, s))) {
                    writes::apply(tx.sql(), event, stored, &mut board)?;
                }
                board.flush(tx.sql())?;
                tx.save_checkpoint(CONSUMER, to)?;
                Ok::<_, StorageError>(true)
            })
            .await?;
        if !applied {
            return Ok(Step::Raced);
        }
        metrics::counter!("dealflow_projected_events_total").increment(count as u64);
        Ok(Step::Applied { from, to, events: count })
    }

    /// Steps until nothing is left; answers how many events were applied.
    pub async fn catch_up(&self) -> Result<u64, StorageError> {
        let mut applied = 0;
        loop {
            match self.step().await? {
                Step::Applied { events, .. } => applied += events as u64,
                Step::Raced => {}
                Step::Idle { .. } => return Ok(applied),
            }
        }
    }

    /// Runs until `shutdown` resolves, waking after each commit (and every second, to notice
    /// appends made by another process).
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let mut listener = self.log.subscribe();
        let work = async {
            loop {
                match self.step().await {
                    // Each step is a write: under a stream of small commits, gathering a couple of
                    // milliseconds' worth of events per step spares the writer many commits.
                    Ok(Step::Applied { events, .. }) if events < self.batch => tokio::time::sleep(GATHER).await,
                    Ok(Step::Applied { .. } | Step::Raced) => {}
                    Ok(Step::Idle { at }) => listener.wait_beyond(at, Duration::from_secs(1)).await,
                    Err(error) => {
                        tracing::error!(%error, "the projector failed a step; retrying in a second");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        };
        tokio::select! {
            () = work => {}
            () = shutdown => {}
        }
    }
}

/// Decodes the events the read models use; others (inbound records, sources, hooks, types of a
/// newer version) are not even parsed. An event that cannot be read is logged and skipped rather
/// than stopping every read model.
fn decode_all(events: &[RecordedEvent]) -> Vec<(u64, Option<DomainEvent>, Stored)> {
    events.iter().map(|event| (event.position, decode(event), stored(event))).collect()
}

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
pub async fn rebuild(log: &SqliteEventLog, batch: usize, progress: impl Fn(u64, u64)) -> Result<u64, StorageError> {
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
