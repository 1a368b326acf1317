//! The group-commit writer: one thread takes every write unit waiting, runs each inside one
//! transaction (in its own savepoint unless it is [`Isolation::Decided`]), commits once (one
//! fsync), and answers each caller. A unit that fails rolls back to its savepoint and fails alone.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::Instant;

use chrono::Utc;
use rusqlite::Connection;

use crate::notify::Notifier;
use crate::sequences::Sequences;
use crate::transaction::Transaction;
use crate::unit::{Isolation, Job, Ran};
use crate::{StorageError, reader};

/// Starts the writer thread; it stops when every sender is dropped.
pub(crate) fn spawn(
    conn: Connection,
    max_batch: usize,
    notifier: Arc<Notifier>,
) -> std::io::Result<Sender<Box<dyn Job>>> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("eventlog-writer".into())
        .spawn(move || run(&conn, &receiver, max_batch.max(1), &notifier))?;
    Ok(sender)
}

fn run(conn: &Connection, receiver: &Receiver<Box<dyn Job>>, max_batch: usize, notifier: &Notifier) {
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

fn commit_batch(
    conn: &Connection,
    sequences: &mut Sequences,
    jobs: Vec<Box<dyn Job>>,
    recorded_at: i64,
    notifier: &Notifier,
) {
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
    let mut ran = Vec::with_capacity(jobs.len());
    for mut job in jobs {
        let outcome = match job.isolation() {
            Isolation::Savepoint => run_unit(&mut tx, job.as_mut()),
            Isolation::Decided => run_decided_unit(&mut tx, job.as_mut()),
        };
        match outcome {
            Ok(()) => ran.push(job),
            Err(error) => {
                drop(tx);
                abort(conn, sequences);
                return fail_all(ran.into_iter().chain(std::iter::once(job)), &error);
            }
        }
    }
    if let Err(error) = tx.persist_sequences() {
        drop(tx);
        abort(conn, sequences);
        return fail_all(ran, &error);
    }
    let (head, appended, checkpoints) = tx.into_effects();
    if let Err(error) = execute(conn, "COMMIT") {
        abort(conn, sequences);
        return fail_all(ran, &error);
    }
    record_metrics(batch_size, appended, started);
    for job in ran {
        job.answer();
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
fn run_unit(tx: &mut Transaction<'_>, job: &mut dyn Job) -> Result<(), StorageError> {
    execute(tx.sql(), "SAVEPOINT unit")?;
    let mark = tx.mark();
    let ran = job.run(tx);
    if tx.sql().is_autocommit() {
        // SQLite rolled the whole transaction back itself (disk full, I/O error).
        return Err(StorageError::CommitFailed("SQLite aborted the transaction".into()));
    }
    if ran == Ran::Accepted && !tx.poisoned() {
        return execute(tx.sql(), "RELEASE unit");
    }
    roll_back_unit(tx)?;
    tx.reset(mark);
    match ran {
        Ran::Accepted => job.fail_alone(StorageError::CommitFailed(
            "an append failed halfway and its unit went on; the unit was rolled back".into(),
        )),
        Ran::Panicked => tracing::error!("a write unit panicked; its changes were rolled back"),
        Ran::Refused => {}
    }
    Ok(())
}

/// Runs a unit that decides before it writes, without a savepoint (which spares SQLite from
/// copying every page the unit touches into the statement journal). A refusal before any write
/// rolls nothing back; a failure after writing makes the whole group fail (`Err`), so that half a
/// unit is never committed.
fn run_decided_unit(tx: &mut Transaction<'_>, job: &mut dyn Job) -> Result<(), StorageError> {
    let mark = tx.mark();
    let changes_before = tx.sql().total_changes();
    let ran = job.run(tx);
    let wrote = tx.sql().total_changes() != changes_before;
    if ran == Ran::Accepted && !tx.poisoned() {
        return Ok(());
    }
    if wrote || tx.sql().is_autocommit() {
        return Err(StorageError::CommitFailed("a unit failed after writing; its group was rolled back".into()));
    }
    // Nothing was written, so only the unit's in-memory traces (ids, head) need undoing.
    tx.reset(mark);
    match ran {
        // A poisoned append has written, so this is only a guard.
        Ran::Accepted => job.fail_alone(StorageError::CommitFailed("an append failed halfway".into())),
        Ran::Panicked => tracing::error!("a write unit panicked before writing"),
        Ran::Refused => {}
    }
    Ok(())
}

fn roll_back_unit(tx: &Transaction<'_>) -> Result<(), StorageError> {
    execute(tx.sql(), "ROLLBACK TO unit")?;
    execute(tx.sql(), "RELEASE unit")?;
    Ok(())
}

fn fail_all(jobs: impl IntoIterator<Item = Box<dyn Job>>, error: &StorageError) {
    tracing::error!(%error, "group commit failed; every unit of the batch was rolled back");
    for job in jobs {
        job.fail(StorageError::CommitFailed(error.to_string()));
    }
}

fn record_metrics(batch_size: usize, appended: u64, started: Instant) {
    metrics::counter!("dealflow_appended_events_total").increment(appended);
    metrics::histogram!("dealflow_group_commit_batch_size").record(batch_size as f64);
    metrics::histogram!("dealflow_group_commit_seconds").record(started.elapsed().as_secs_f64());
    metrics::counter!("dealflow_write_units_total").increment(batch_size as u64);
}
