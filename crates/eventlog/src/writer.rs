//! The group-commit writer: one thread takes every write unit waiting, runs each in its own
//! savepoint inside one transaction, commits once (one fsync), and answers each caller. A unit
//! that fails rolls back to its savepoint and fails alone.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::Instant;

use chrono::Utc;
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::notify::Notifier;
use crate::sequences::Sequences;
use crate::transaction::Transaction;
use crate::{StorageError, reader};

/// A unit's own answer: `Ok` commits it, `Err` rolls it back.
pub(crate) type UnitResult = Result<Box<dyn Any + Send>, Box<dyn Any + Send>>;
/// A write unit, run on the writer thread inside the group transaction.
pub(crate) type Unit = Box<dyn FnOnce(&mut Transaction<'_>) -> UnitResult + Send>;
/// What a caller hears back: its unit's answer once committed, or why nothing was committed.
pub(crate) type Reply = Result<UnitResult, StorageError>;

pub(crate) struct Job {
    pub(crate) unit: Unit,
    pub(crate) reply: oneshot::Sender<Reply>,
    /// Whether the unit runs in its own savepoint (see `SqliteEventLog::write_decided`).
    pub(crate) isolated: bool,
}

/// Starts the writer thread; it stops when every sender is dropped.
pub(crate) fn spawn(conn: Connection, max_batch: usize, notifier: Arc<Notifier>) -> std::io::Result<Sender<Job>> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("eventlog-writer".into())
        .spawn(move || run(&conn, &receiver, max_batch.max(1), &notifier))?;
    Ok(sender)
}

fn run(conn: &Connection, receiver: &Receiver<Job>, max_batch: usize, notifier: &Notifier) {
    let mut clock = 0_i64;
    let mut sequences = Sequences::default();
    while let Ok(first) = receiver.recv() {
        let mut jobs = vec![first];
        while jobs.len() < max_batch {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        clock = Utc::now().timestamp_micros().max(clock);
        commit_batch(conn, &mut sequences, jobs, clock, notifier);
    }
}

fn commit_batch(conn: &Connection, sequences: &mut Sequences, jobs: Vec<Job>, recorded_at: i64, notifier: &Notifier) {
    let started = Instant::now();
    let batch_size = jobs.len();
    let head = match begin(conn, sequences) {
        Ok(head) => head,
        Err(error) => {
            sequences.forget();
            return fail_all(jobs, &error);
        }
    };
    let mut tx = Transaction::new(conn, sequences, recorded_at, head);
    let mut answered = Vec::with_capacity(jobs.len());
    for job in jobs {
        let ran = if job.isolated { run_unit(&mut tx, job.unit) } else { run_decided_unit(&mut tx, job.unit) };
        match ran {
            Ok(reply) => answered.push((job.reply, reply)),
            Err(error) => {
                drop(tx);
                abort(conn, sequences);
                let replies = answered.into_iter().map(|(reply, _)| reply).chain(std::iter::once(job.reply));
                return fail_replies(replies, &error);
            }
        }
    }
    if let Err(error) = tx.persist_sequences() {
        drop(tx);
        abort(conn, sequences);
        return fail_replies(answered.into_iter().map(|(reply, _)| reply), &error);
    }
    let (head, appended, checkpoints) = tx.into_effects();
    if let Err(error) = execute(conn, "COMMIT") {
        abort(conn, sequences);
        return fail_replies(answered.into_iter().map(|(reply, _)| reply), &error);
    }
    record_metrics(batch_size, appended, started);
    for (reply, answer) in answered {
        let _ = reply.send(answer);
    }
    notifier.publish_head(head);
    for (name, position) in checkpoints {
        notifier.publish_checkpoint(&name, position);
    }
}

/// Runs a statement without parameters, prepared once per connection.
fn execute(conn: &Connection, sql: &str) -> Result<(), StorageError> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

fn abort(conn: &Connection, sequences: &mut Sequences) {
    let _ = conn.execute_batch("ROLLBACK");
    sequences.forget();
}

fn begin(conn: &Connection, sequences: &mut Sequences) -> Result<u64, StorageError> {
    execute(conn, "BEGIN IMMEDIATE")?;
    // Read after taking the lock: another process may have appended since our last batch.
    let started = sequences.begin(conn).map_err(StorageError::from).and_then(|()| reader::head(conn));
    started.inspect_err(|_| {
        let _ = conn.execute_batch("ROLLBACK");
    })
}

/// Runs one unit in a savepoint. `Err` means the whole transaction is unusable.
fn run_unit(tx: &mut Transaction<'_>, unit: Unit) -> Result<Reply, StorageError> {
    execute(tx.sql(), "SAVEPOINT unit")?;
    let mark = tx.mark();
    let outcome = catch_unwind(AssertUnwindSafe(|| unit(tx)));
    if tx.sql().is_autocommit() {
        // SQLite rolled the whole transaction back itself (disk full, I/O error).
        return Err(StorageError::CommitFailed("SQLite aborted the transaction".into()));
    }
    match outcome {
        Ok(Ok(_)) if tx.poisoned() => {
            roll_back_unit(tx)?;
            tx.reset(mark);
            Ok(Err(StorageError::CommitFailed(
                "an append failed halfway and its unit went on; the unit was rolled back".into(),
            )))
        }
        Ok(Ok(value)) => {
            execute(tx.sql(), "RELEASE unit")?;
            Ok(Ok(Ok(value)))
        }
        Ok(Err(refusal)) => {
            roll_back_unit(tx)?;
            tx.reset(mark);
            Ok(Ok(Err(refusal)))
        }
        Err(_panic) => {
            roll_back_unit(tx)?;
            tx.reset(mark);
            tracing::error!("a write unit panicked; its changes were rolled back");
            Ok(Err(StorageError::UnitPanicked))
        }
    }
}

/// Runs a unit that decides before it writes, without a savepoint (which spares SQLite from
/// copying every page the unit touches into the statement journal). A refusal before any write
/// rolls nothing back; a failure after writing makes the whole group fail (`Err`), so that half a
/// unit is never committed.
fn run_decided_unit(tx: &mut Transaction<'_>, unit: Unit) -> Result<Reply, StorageError> {
    let mark = tx.mark();
    let changes_before = tx.sql().total_changes();
    let outcome = catch_unwind(AssertUnwindSafe(|| unit(tx)));
    let wrote = tx.sql().total_changes() != changes_before;
    match outcome {
        Ok(Ok(value)) if !tx.poisoned() => Ok(Ok(Ok(value))),
        _ if wrote || tx.sql().is_autocommit() => {
            Err(StorageError::CommitFailed("a unit failed after writing; its group was rolled back".into()))
        }
        Ok(Ok(_)) => unreachable!("a poisoned unit has written"),
        Ok(Err(refusal)) => {
            tx.reset(mark);
            Ok(Ok(Err(refusal)))
        }
        Err(_panic) => {
            tx.reset(mark);
            tracing::error!("a write unit panicked before writing");
            Ok(Err(StorageError::UnitPanicked))
        }
    }
}

fn roll_back_unit(tx: &Transaction<'_>) -> Result<(), StorageError> {
    execute(tx.sql(), "ROLLBACK TO unit")?;
    execute(tx.sql(), "RELEASE unit")?;
    Ok(())
}

fn fail_all(jobs: Vec<Job>, error: &StorageError) {
    fail_replies(jobs.into_iter().map(|job| job.reply), error);
}

fn fail_replies(replies: impl Iterator<Item = oneshot::Sender<Reply>>, error: &StorageError) {
    tracing::error!(%error, "group commit failed; every unit of the batch was rolled back");
    for reply in replies {
        let _ = reply.send(Err(StorageError::CommitFailed(error.to_string())));
    }
}

fn record_metrics(batch_size: usize, appended: u64, started: Instant) {
    metrics::counter!("dealflow_appended_events_total").increment(appended);
    metrics::histogram!("dealflow_group_commit_batch_size").record(batch_size as f64);
    metrics::histogram!("dealflow_group_commit_seconds").record(started.elapsed().as_secs_f64());
    metrics::counter!("dealflow_write_units_total").increment(batch_size as u64);
}
