//! The PostgreSQL group-commit writer: one thread per process takes every request waiting,
//! locks the `log_head` row once for the whole batch (the one serialised append point, held until
//! COMMIT), plans every append after the head it finds ([`plan`](super::plan)), inserts them in
//! one statement, notifies listeners in the same transaction, commits once and answers each
//! caller. A refused append (conflict, partial repeat) fails alone; a storage error fails the batch.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::ids::StreamName;
use postgres::{Client, Config, NoTls};
use tokio::sync::oneshot;

use super::append::{AppendRef, Statements, insert_planned, load_plan, to_i64, to_u64};
use super::listener::CHANNEL;
use crate::notify::Notifier;
use crate::{AppendError, Appended, ExpectedVersion, NewEvent, StorageError};

/// What callers ask of the writer.
pub(crate) enum Request {
    Append {
        stream: StreamName,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
        reply: oneshot::Sender<Result<Appended, AppendError>>,
    },
    Checkpoint {
        name: String,
        position: u64,
        reply: oneshot::Sender<Result<(), StorageError>>,
    },
}

/// Starts the writer thread on its own connection; it stops when every sender is dropped.
pub(crate) fn spawn(config: Config, max_batch: usize, notifier: Arc<Notifier>) -> std::io::Result<Sender<Request>> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("eventlog-pg-writer".into())
        .spawn(move || run(&config, &receiver, max_batch.max(1), &notifier))?;
    Ok(sender)
}

fn run(config: &Config, receiver: &Receiver<Request>, max_batch: usize, notifier: &Notifier) {
    let mut connection: Option<(Client, Statements)> = None;
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        batch.extend(receiver.try_iter().take(max_batch - 1));
        if connection.as_ref().is_none_or(|(client, _)| client.is_closed()) {
            connection = match connect(config) {
                Ok(connected) => Some(connected),
                Err(error) => {
                    fail_all(batch, &error);
                    // Not a hot loop against a server that is down: callers retry later.
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
        }
        if let Some((client, statements)) = connection.as_mut() {
            commit_batch(client, statements, batch, notifier);
        }
    }
}

fn connect(config: &Config) -> Result<(Client, Statements), StorageError> {
    let mut client = config.connect(NoTls)?;
    let statements = Statements::prepare(&mut client)?;
    Ok((client, statements))
}

fn commit_batch(client: &mut Client, statements: &Statements, batch: Vec<Request>, notifier: &Notifier) {
    let started = Instant::now();
    let size = batch.len();
    match run_batch(client, statements, &batch) {
        Ok(committed) => {
            record_metrics(size, committed.appended, started);
            notifier.publish_head(committed.head);
            batch.into_iter().zip(committed.outcomes).for_each(|(request, outcome)| answer(request, outcome, notifier));
        }
        Err(error) => {
            tracing::error!(%error, "group commit failed; every request of the batch was rolled back");
            batch.into_iter().for_each(|request| fail(request, &error));
        }
    }
}

/// What a committed batch did.
struct Committed {
    head: u64,
    appended: u64,
    /// Each request's outcome, by index; `None` for checkpoints (saved).
    outcomes: Vec<Option<Result<Appended, AppendError>>>,
}

/// Runs the batch in one transaction: lock the head, plan every append, save checkpoints,
/// insert every planned event at once, move the head and commit. On `Err` nothing was stored.
fn run_batch(client: &mut Client, statements: &Statements, batch: &[Request]) -> Result<Committed, StorageError> {
    let mut tx = client.transaction()?;
    let cursor = lock_head(&mut tx)?;
    let appends: Vec<AppendRef<'_>> = batch
        .iter()
        .enumerate()
        .filter_map(|(request, r)| match r {
            Request::Append { stream, events, .. } => Some(AppendRef { request, stream: stream.as_str(), events }),
            Request::Checkpoint { .. } => None,
        })
        .collect();
    let mut plan = load_plan(&mut tx, statements, cursor.head, &appends)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for (index, request) in batch.iter().enumerate() {
        outcomes.push(match request {
            Request::Append { stream, expected, events, .. } => {
                Some(plan.append(index, stream.as_str(), *expected, events))
            }
            Request::Checkpoint { name, position, .. } => {
                save_checkpoint(&mut tx, name, *position, cursor.recorded_at)?;
                None
            }
        });
    }
    insert_planned(&mut tx, statements, plan.inserts(), &appends, cursor.recorded_at)?;
    finish(tx, plan.head(), &cursor)?;
    Ok(Committed { head: plan.head(), appended: plan.head() - cursor.head, outcomes })
}

/// Where the batch starts: the head and the one timestamp of its events.
struct Cursor {
    head: u64,
    recorded_at: i64,
}

/// Locks the serialised append point and reads the head under it: whatever another process
/// committed before is counted, and nothing it commits later can take a position below ours.
fn lock_head(tx: &mut postgres::Transaction<'_>) -> Result<Cursor, StorageError> {
    let row = tx.query_one("SELECT position, recorded_at FROM log_head FOR UPDATE", &[])?;
    let (head, last_recorded): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    // Time rises with position across processes too: never before the last event's.
    let recorded_at = Utc::now().timestamp_micros().max(last_recorded);
    Ok(Cursor { head: to_u64(head), recorded_at })
}

fn save_checkpoint(
    tx: &mut postgres::Transaction<'_>,
    name: &str,
    position: u64,
    recorded_at: i64,
) -> Result<(), postgres::Error> {
    tx.execute(
        "INSERT INTO checkpoints (name, position, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
        &[&name, &to_i64(position), &recorded_at],
    )?;
    Ok(())
}

/// Moves the head, notifies listeners (delivered at COMMIT, only if it commits) and commits.
fn finish(mut tx: postgres::Transaction<'_>, head: u64, cursor: &Cursor) -> Result<(), postgres::Error> {
    if head > cursor.head {
        tx.execute(
            "WITH moved AS (UPDATE log_head SET position = $1, recorded_at = $2)
             SELECT pg_notify($3, $4)",
            &[&to_i64(head), &cursor.recorded_at, &CHANNEL, &head.to_string()],
        )?;
    }
    tx.commit()
}

/// Sends a committed request its answer; a send error means the caller stopped waiting, and
/// the effects stand.
fn answer(request: Request, outcome: Option<Result<Appended, AppendError>>, notifier: &Notifier) {
    match request {
        Request::Append { reply, .. } => {
            let _ = reply.send(outcome.unwrap_or_else(|| Err(StorageError::WriterStopped.into())));
        }
        Request::Checkpoint { name, position, reply } => {
            notifier.publish_checkpoint(&name, position);
            let _ = reply.send(Ok(()));
        }
    }
}

/// Tells a request that nothing of its batch was stored.
fn fail(request: Request, error: &StorageError) {
    let failed = || StorageError::CommitFailed(error.to_string());
    match request {
        Request::Append { reply, .. } => {
            let _ = reply.send(Err(failed().into()));
        }
        Request::Checkpoint { reply, .. } => {
            let _ = reply.send(Err(failed()));
        }
    }
}

fn fail_all(batch: Vec<Request>, error: &StorageError) {
    tracing::error!(%error, "cannot reach PostgreSQL; every request of the batch failed");
    batch.into_iter().for_each(|request| fail(request, error));
}

fn record_metrics(batch_size: usize, appended: u64, started: Instant) {
    metrics::counter!("dealflow_appended_events_total").increment(appended);
    metrics::histogram!("dealflow_group_commit_batch_size").record(batch_size as f64);
    metrics::histogram!("dealflow_group_commit_seconds").record(started.elapsed().as_secs_f64());
    metrics::counter!("dealflow_write_units_total").increment(batch_size as u64);
}
