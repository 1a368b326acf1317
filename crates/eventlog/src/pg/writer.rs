//! The PostgreSQL group-commit writer: one thread per process takes every request waiting,
//! locks the `log_head` row once for the whole batch (the one serialised append point, held until
//! COMMIT), numbers the batch's events after the head it finds, notifies listeners in the same
//! transaction, commits once and answers each caller.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::ids::StreamName;
use postgres::{Client, Config, NoTls};
use tokio::sync::oneshot;

use super::append::{Cursor, Statements, append, to_i64, to_u64};
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

/// An answer kept until the batch is durable.
enum Answer {
    Append(oneshot::Sender<Result<Appended, AppendError>>, Result<Appended, AppendError>),
    Checkpoint(oneshot::Sender<Result<(), StorageError>>, String, u64),
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
    match run_batch(client, statements, batch) {
        Ok((head, appended, answers)) => {
            record_metrics(size, appended, started);
            notifier.publish_head(head);
            answers.into_iter().for_each(|answer| send(answer, notifier));
        }
        Err((error, answers)) => {
            tracing::error!(%error, "group commit failed; every request of the batch was rolled back");
            answers.into_iter().for_each(|answer| fail(answer, &error));
        }
    }
}

type Committed = (u64, u64, Vec<Answer>);

/// Runs the batch in one transaction. On `Err` nothing of it was stored, and every answer
/// goes back with the error.
fn run_batch(
    client: &mut Client,
    statements: &Statements,
    batch: Vec<Request>,
) -> Result<Committed, (StorageError, Vec<Answer>)> {
    let mut answers = Vec::with_capacity(batch.len());
    let mut tx = match client.transaction() {
        Ok(tx) => tx,
        Err(error) => return Err((error.into(), batch.into_iter().map(unanswered).collect())),
    };
    let mut cursor = match lock_head(&mut tx) {
        Ok(cursor) => cursor,
        Err(error) => return Err((error, batch.into_iter().map(unanswered).collect())),
    };
    let start = cursor.head;
    let mut requests = batch.into_iter();
    while let Some(request) = requests.next() {
        let (answer, failed) = run_request(&mut tx, statements, &mut cursor, request);
        answers.push(answer);
        if let Some(error) = failed {
            answers.extend(requests.map(unanswered));
            return Err((error, answers));
        }
    }
    let finished = finish(tx, &cursor, start).map_err(StorageError::from);
    match finished {
        Ok(()) => Ok((cursor.head, cursor.head - start, answers)),
        Err(error) => Err((error, answers)),
    }
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

/// Runs one request; the error, if any, makes the whole transaction unusable.
fn run_request(
    tx: &mut postgres::Transaction<'_>,
    statements: &Statements,
    cursor: &mut Cursor,
    request: Request,
) -> (Answer, Option<StorageError>) {
    match request {
        Request::Append { stream, expected, events, reply } => {
            match append(tx, statements, cursor, &stream, expected, &events) {
                Err(AppendError::Storage(error)) => {
                    let message = StorageError::CommitFailed(error.to_string());
                    (Answer::Append(reply, Err(AppendError::Storage(error))), Some(message))
                }
                answer => (Answer::Append(reply, answer), None),
            }
        }
        Request::Checkpoint { name, position, reply } => {
            let saved = tx.execute(
                "INSERT INTO checkpoints (name, position, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
                &[&name, &to_i64(position), &cursor.recorded_at],
            );
            (Answer::Checkpoint(reply, name, position), saved.err().map(StorageError::from))
        }
    }
}

/// Moves the head, notifies listeners (delivered at COMMIT, only if it commits) and commits.
fn finish(mut tx: postgres::Transaction<'_>, cursor: &Cursor, start: u64) -> Result<(), postgres::Error> {
    if cursor.head > start {
        tx.execute(
            "UPDATE log_head SET position = $1, recorded_at = $2",
            &[&to_i64(cursor.head), &cursor.recorded_at],
        )?;
        tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &cursor.head.to_string()])?;
    }
    tx.commit()
}

fn unanswered(request: Request) -> Answer {
    match request {
        Request::Append { reply, .. } => Answer::Append(reply, Err(StorageError::WriterStopped.into())),
        Request::Checkpoint { reply, name, position } => Answer::Checkpoint(reply, name, position),
    }
}

fn send(answer: Answer, notifier: &Notifier) {
    // A send error means the caller stopped waiting; the effects stand.
    match answer {
        Answer::Append(reply, result) => {
            let _ = reply.send(result);
        }
        Answer::Checkpoint(reply, name, position) => {
            notifier.publish_checkpoint(&name, position);
            let _ = reply.send(Ok(()));
        }
    }
}

fn fail(answer: Answer, error: &StorageError) {
    let failed = || StorageError::CommitFailed(error.to_string());
    match answer {
        Answer::Append(reply, _) => {
            let _ = reply.send(Err(failed().into()));
        }
        Answer::Checkpoint(reply, ..) => {
            let _ = reply.send(Err(failed()));
        }
    }
}

fn fail_all(batch: Vec<Request>, error: &StorageError) {
    tracing::error!(%error, "cannot reach PostgreSQL; every request of the batch failed");
    batch.into_iter().map(unanswered).for_each(|answer| fail(answer, error));
}

fn record_metrics(batch_size: usize, appended: u64, started: Instant) {
    metrics::counter!("dealflow_appended_events_total").increment(appended);
    metrics::histogram!("dealflow_group_commit_batch_size").record(batch_size as f64);
    metrics::histogram!("dealflow_group_commit_seconds").record(started.elapsed().as_secs_f64());
    metrics::counter!("dealflow_write_units_total").increment(batch_size as u64);
}
