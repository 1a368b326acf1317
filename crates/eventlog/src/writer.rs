//! The group-commit writer: one thread takes every write unit waiting, runs each inside one
//! transaction (in its own savepoint unless it is [`Isolation::Decided`]), commits once (one
//! fsync), and answers each caller. A unit that fails rolls back to its savepoint and fails alone.
//! The batch starts and ends at the append point ([`append_point`]), the one place the
//! dialects differ.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

use chrono::Utc;

use crate::StorageError;
use crate::append_point::{self, Start};
use crate::notify::Notifier;
use crate::sequences::Sequences;
use crate::session::Session;
use crate::transaction::Transaction;
use crate::unit::{Isolation, Job, Ran};

/// Starts the writer thread; it stops when every sender is dropped.
pub(crate) fn spawn(
    session: Session,
    max_batch: usize,
    notifier: Arc<Notifier>,
) -> std::io::Result<Sender<Box<dyn Job>>> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("eventlog-writer".into())
        .spawn(move || run(session, &receiver, max_batch.max(1), &notifier))?;
    Ok(sender)
}

fn run(mut session: Session, receiver: &Receiver<Box<dyn Job>>, max_batch: usize, notifier: &Notifier) {
    let mut clock = 0_i64;
    let mut sequences = Sequences::default();
    while let Ok(first) = receiver.recv() {
        let mut jobs = vec![first];
        jobs.extend(receiver.try_iter().take(max_batch - 1));
        clock = Utc::now().timestamp_micros().max(clock);
        match session.db() {
            Ok(db) => clock = commit_batch(db, &mut sequences, jobs, clock, notifier),
            Err(error) => {
                fail_all(jobs, &error);
                // Not a hot loop against a server that is down: callers retry later.
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// Commits one batch; answers the clock (the batch's time, never below the last event's).
fn commit_batch(
    db: crate::sql::Db<'_>,
    sequences: &mut Sequences,
    jobs: Vec<Box<dyn Job>>,
    clock: i64,
    notifier: &Notifier,
) -> i64 {
    let started = Instant::now();
    let batch_size = jobs.len();
    let start = match begin(&db, sequences) {
        Ok(start) => start,
        Err(error) => {
            sequences.forget();
            fail_all(jobs, &error);
            return clock;
        }
    };
    let recorded_at = clock.max(start.last_recorded_at);
    let mut tx = Transaction::new(db, std::mem::take(sequences), recorded_at, start.head);
    let mut ran = Vec::with_capacity(jobs.len());
    for mut job in jobs {
        let outcome = match job.isolation() {
            Isolation::Savepoint => run_unit(&mut tx, job.as_mut()),
            Isolation::Decided => run_decided_unit(&mut tx, job.as_mut()),
        };
        match outcome {
            Ok(()) => ran.push(job),
            Err(error) => {
                *sequences = abort(tx);
                fail_all(ran.into_iter().chain(std::iter::once(job)), &error);
                return recorded_at;
            }
        }
    }
    let committed = tx.persist_sequences().and_then(|()| append_point::commit(tx.sql(), start, tx.head(), recorded_at));
    if let Err(error) = committed {
        *sequences = abort(tx);
        fail_all(ran, &error);
        return recorded_at;
    }
    let (head, appended, checkpoints, kept) = tx.into_effects();
    *sequences = kept;
    record_metrics(batch_size, appended, started);
    for job in ran {
        job.answer();
    }
    notifier.publish_head(head);
    for (name, position) in checkpoints {
        notifier.publish_checkpoint(&name, position);
    }
    recorded_at
}

fn begin(db: &crate::sql::Db<'_>, sequences: &mut Sequences) -> Result<Start, StorageError> {
    let start = append_point::begin(db)?;
    // Read after taking the append point: another process may have committed since our last batch.
    sequences.begin(db).map_err(StorageError::from).inspect_err(|_| append_point::roll_back(db))?;
    Ok(start)
}

/// Rolls the batch back; answers the sequences, emptied (nothing remembered can be trusted).
fn abort(tx: Transaction<'_>) -> Sequences {
    append_point::roll_back(tx.sql());
    tx.forget_sequences()
}

/// Runs one unit in a savepoint. `Err` means the whole transaction is unusable.
fn run_unit(tx: &mut Transaction<'_>, job: &mut dyn Job) -> Result<(), StorageError> {
    tx.sql().control("SAVEPOINT unit")?;
    let mark = tx.mark();
    let ran = job.run(tx);
    if tx.sql().transaction_lost() {
        // SQLite rolled the whole transaction back itself (disk full, I/O error).
        return Err(StorageError::CommitFailed("SQLite aborted the transaction".into()));
    }
    if ran == Ran::Accepted && !tx.poisoned() && !tx.sql().statement_failed() {
        return Ok(tx.sql().control("RELEASE unit")?);
    }
    roll_back_unit(tx)?;
    tx.reset(mark);
    match ran {
        Ran::Accepted => job.fail_alone(StorageError::CommitFailed(
            "a statement or an append failed halfway and its unit went on; the unit was rolled back".into(),
        )),
        Ran::Panicked => tracing::error!("a write unit panicked; its changes were rolled back"),
        Ran::Refused => {}
    }
    Ok(())
}

/// Runs a unit that decides before it writes, without a savepoint (which spares SQLite from
/// copying every page the unit touches into the statement journal). A refusal before any write
/// rolls nothing back; a failure after writing makes the whole group fail (`Err`), so that half a
/// unit is never committed. On PostgreSQL any failed statement aborts the transaction, so it
/// fails the group too.
fn run_decided_unit(tx: &mut Transaction<'_>, job: &mut dyn Job) -> Result<(), StorageError> {
    let mark = tx.mark();
    let changes_before = tx.sql().total_changes();
    let ran = job.run(tx);
    let wrote = tx.sql().total_changes() != changes_before;
    if ran == Ran::Accepted && !tx.poisoned() && !tx.sql().statement_failed() {
        return Ok(());
    }
    if wrote || tx.sql().transaction_lost() || tx.sql().statement_failed() {
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
    tx.sql().control("ROLLBACK TO unit")?;
    tx.sql().recovered();
    tx.sql().control("RELEASE unit")?;
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
