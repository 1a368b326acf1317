//! Consumers that tail the log from a named checkpoint (the projector, the dispatcher's matcher).
//! Each step reads the batch after the checkpoint, prepares its effects on a reader connection,
//! and writes them in the unit that moves the checkpoint: a consumer's effects and its place in
//! the log commit together, so nothing is skipped or applied twice across restarts.

use std::future::Future;
use std::time::Duration;

use crate::sql::Db;

use crate::{EventFilter, EventLog, EventStore, Lease, RecordedEvent, StorageError, Transaction, reader};

/// How long a consumer lets events gather after a partial step. Each step is a write: under a
/// stream of small commits, a couple of milliseconds' worth of events per step spares the writer
/// most of its commits (callers waiting for a consumer wait this much longer at most).
const GATHER: Duration = Duration::from_millis(2);

/// How often an idle consumer looks for appends made by another process.
const POLL: Duration = Duration::from_secs(1);

/// A tailer of the log with a checkpoint of its own. Cheap to clone.
pub trait Consumer: Clone + Send + Sync + 'static {
    /// What a batch needs written, prepared outside the writer.
    type Prepared: Send + 'static;
    /// What writing a batch answers.
    type Applied: Send + 'static;

    /// The checkpoint's name.
    const NAME: &'static str;

    /// Events per step at most.
    fn batch(&self) -> usize;

    /// Prepares a batch's effects (decoding, lookups) on a reader connection.
    fn prepare(&self, conn: &Db<'_>, events: Vec<RecordedEvent>) -> Result<Self::Prepared, StorageError>;

    /// Writes a batch's effects in the unit that moves the checkpoint.
    fn apply(tx: &mut Transaction<'_>, prepared: Self::Prepared) -> Result<Self::Applied, StorageError>;

    /// Runs after a batch of `events` events committed (to count them, or wake whoever waits
    /// for their effects).
    fn committed(&self, _events: usize, _applied: &Self::Applied) {}
}

/// What one [`step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step<A> {
    /// Nothing new after position `at`.
    Idle { at: u64 },
    /// Applied the `events` events after `from` up to `to`.
    Applied { from: u64, to: u64, events: usize, applied: A },
    /// Another instance moved the checkpoint first; nothing was applied.
    Raced,
}

/// Applies the consumer's next batch, if any.
pub async fn step<C: Consumer>(log: &EventStore, consumer: &C) -> Result<Step<C::Applied>, StorageError> {
    let preparer = consumer.clone();
    let read = log
        .read_async(move |conn| {
            let from = reader::checkpoint(conn, C::NAME)?;
            let events = reader::read_all(conn, from, preparer.batch(), &EventFilter::default())?;
            let Some(to) = events.last().map(|e| e.position) else { return Ok::<_, StorageError>((from, None)) };
            let count = events.len();
            Ok((from, Some((to, count, preparer.prepare(conn, events)?))))
        })
        .await?;
    let (from, Some((to, events, prepared))) = read else { return Ok(Step::Idle { at: read.0 }) };
    let applied = log
        .write(move |tx| {
            if reader::checkpoint(tx.sql(), C::NAME)? != from {
                return Ok(None);
            }
            let applied = C::apply(tx, prepared)?;
            tx.save_checkpoint(C::NAME, to)?;
            Ok::<_, StorageError>(Some(applied))
        })
        .await?;
    let Some(applied) = applied else { return Ok(Step::Raced) };
    consumer.committed(events, &applied);
    Ok(Step::Applied { from, to, events, applied })
}

/// Steps until nothing is left; answers how many events were applied.
pub async fn catch_up<C: Consumer>(log: &EventStore, consumer: &C) -> Result<u64, StorageError> {
    let mut applied = 0;
    loop {
        match step(log, consumer).await? {
            Step::Applied { events, .. } => applied += events as u64,
            Step::Raced => {}
            Step::Idle { .. } => return Ok(applied),
        }
    }
}

/// Steps the consumer until `shutdown` resolves, waking after each commit of this process (and
/// every second, to notice appends made by another process).
pub async fn run<C: Consumer>(log: &EventStore, consumer: &C, shutdown: impl Future<Output = ()>) {
    let mut listener = log.subscribe();
    let work = async {
        loop {
            match step(log, consumer).await {
                Ok(Step::Applied { events, .. }) if events < consumer.batch() => tokio::time::sleep(GATHER).await,
                Ok(Step::Applied { .. } | Step::Raced) => {}
                Ok(Step::Idle { at }) => listener.wait_beyond(at, POLL).await,
                Err(error) => {
                    tracing::error!(%error, consumer = C::NAME, "a log consumer failed a step; retrying in a second");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    };
    tokio::select! {
        () = work => {}
        () = shutdown => {}
    }
}

/// Runs the consumer only while this process holds `lease`, standing by otherwise: several
/// processes may run it, one at a time, and a standby takes over once a dead holder's lease runs
/// out. (A batch is never applied twice anyway: [`step`] checks the checkpoint it read.)
pub async fn run_leased<C: Consumer>(
    log: &EventStore,
    consumer: &C,
    lease: &Lease,
    shutdown: impl Future<Output = ()>,
) {
    let work = async {
        loop {
            lease.acquire(log).await;
            tracing::info!(lease = lease.name(), "holding the lease: running");
            run(log, consumer, lease.keep(log)).await;
            tracing::warn!(lease = lease.name(), "lost the lease: standing by");
        }
    };
    tokio::select! {
        () = work => {}
        () = shutdown => {}
    }
    if lease.is_held() {
        lease.release(log).await;
    }
}
