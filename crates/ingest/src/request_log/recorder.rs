//! Records the requests the write unit did not: the middleware around the inbound endpoint
//! classifies every other answer and queues its row; queued rows are inserted in batches, one
//! write unit for every row waiting, off the request's path.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{HttpMessage, HttpRequest};
use api::ApiError;
use chrono::Utc;
use domain::ids::SourceId;
use eventlog::{EventStore, StorageError};

use super::classify;
use super::row::Entry;
use super::store;
use crate::state::Ingest;

/// Put in a response's extensions by a handler whose write unit recorded the request itself.
#[derive(Clone, Copy, Debug)]
pub struct RecordedInUnit;

/// Put in a request's extensions once its body has been read: its size as sent.
#[derive(Clone, Copy, Debug)]
pub struct BodySize(pub u64);

/// Most rows waiting to be stored.
pub const MAX_PENDING: usize = 10_000;

/// The rows waiting to be inserted, and the turn of whoever inserts them.
pub struct RequestLog {
    log: EventStore,
    pending: Mutex<Vec<Entry>>,
    // True while a flush task is spawned and has not yet taken the queue: later rows ride on it.
    scheduled: AtomicBool,
    // One flush at a time: a flush that starts while another writes waits for it, so that once
    // `flush` returns, every row queued before the call is stored.
    flushing: tokio::sync::Mutex<()>,
}

impl RequestLog {
    /// A log writing to `log`'s database.
    pub fn new(log: EventStore) -> Self {
        Self {
            log,
            pending: Mutex::default(),
            scheduled: AtomicBool::new(false),
            flushing: tokio::sync::Mutex::const_new(()),
        }
    }

    /// Queues a row; the next flush stores it. While the database cannot keep up (or is down),
    /// rows beyond [`MAX_PENDING`] are dropped and counted rather than held in memory.
    pub fn push(&self, entry: Entry) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if pending.len() < MAX_PENDING {
            pending.push(entry);
        } else {
            metrics::counter!("dealflow_inbound_request_log_dropped_total").increment(1);
        }
    }

    /// True when the caller should spawn a flush: none is waiting to take the queue yet.
    fn schedule(&self) -> bool {
        !self.scheduled.swap(true, Ordering::SeqCst)
    }

    /// Stores every queued row in one write unit; answers how many.
    pub async fn flush(&self) -> Result<usize, StorageError> {
        let _turn = self.flushing.lock().await;
        // Rows queued from here on need a flush of their own; rows queued before are taken below.
        self.scheduled.store(false, Ordering::SeqCst);
        let entries = std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        if entries.is_empty() {
            return Ok(0);
        }
        let count = entries.len();
        self.log
            .write(move |tx| {
                entries.iter().try_for_each(|entry| store::insert(tx.sql(), entry)).map_err(StorageError::from)
            })
            .await?;
        Ok(count)
    }
}

/// Middleware of the inbound endpoint: records every answer that its handler did not mark
/// [`RecordedInUnit`], exactly once. The response is not held up by the insert.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let received_at = Utc::now();
    let ingest = req.app_data::<Data<Ingest>>().cloned();
    let source_id = req.match_info().get("source_id").and_then(|id| id.parse::<SourceId>().ok());
    let response = next.call(req).await?;
    let (Some(ingest), Some(source_id)) = (ingest, source_id) else { return Ok(response) };
    if response.response().extensions().get::<RecordedInUnit>().is_some() {
        return Ok(response);
    }
    if let Some(entry) = refusal_entry(&response, source_id, received_at) {
        ingest.request_log.push(entry);
        if !ingest.request_log.schedule() {
            return Ok(response);
        }
        actix_web::rt::spawn(async move {
            if let Err(error) = ingest.request_log.flush().await {
                tracing::warn!(%error, "could not store inbound request log rows");
            }
        });
    }
    Ok(response)
}

fn refusal_entry<B>(
    response: &ServiceResponse<B>,
    source_id: SourceId,
    received_at: chrono::DateTime<Utc>,
) -> Option<Entry> {
    let status = response.status().as_u16();
    let (message, details) = match response.response().error() {
        Some(error) => match error.as_error::<ApiError>() {
            Some(api) => (api.message.clone(), api.details.clone()),
            None => (error.to_string(), serde_json::Value::Null),
        },
        None => (format!("answered {status}"), serde_json::Value::Null),
    };
    let (outcome, reason) = classify::refusal(status, &message, &details)?;
    Some(Entry {
        source_id,
        received_at,
        status,
        outcome,
        reason: Some(reason),
        body_size: body_size(response.request()),
        idempotency_key: idempotency_key(response.request()),
        deal_id: None,
    })
}

/// The size the handler read, or else the size the sender declared.
fn body_size(req: &HttpRequest) -> Option<u64> {
    if let Some(BodySize(size)) = req.extensions().get::<BodySize>() {
        return Some(*size);
    }
    req.headers().get(CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

/// The key a refused request carried, if it is one the endpoint would accept.
fn idempotency_key(req: &HttpRequest) -> Option<String> {
    let header = req.headers().get("Idempotency-Key").or_else(|| req.headers().get("webhook-id"))?;
    let key = header.to_str().ok()?.trim();
    (1..=255).contains(&key.len()).then(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use domain::ids::SourceId;

    use super::super::row::Outcome;
    use super::*;

    fn refused(source: u64) -> Entry {
        Entry {
            source_id: SourceId(source),
            received_at: Utc::now(),
            status: 403,
            outcome: Outcome::Refused,
            reason: Some("verification failed".into()),
            body_size: Some(3),
            idempotency_key: None,
            deal_id: None,
        }
    }

    #[tokio::test]
    async fn one_flush_stores_every_queued_row_and_the_next_finds_none() {
        let dir = tempfile::tempdir().unwrap();
        let migrations = [eventlog::migrations::MIGRATIONS, crate::MIGRATIONS].concat();
        let log = EventStore::open(&dir.path().join("db"), &migrations, Default::default()).unwrap();
        let recorder = RequestLog::new(log.clone());
        recorder.push(refused(1));
        recorder.push(refused(1));
        recorder.push(refused(2));

        let (first, second) = (recorder.flush().await.unwrap(), recorder.flush().await.unwrap());

        assert_eq!((first, second), (3, 0));
        let stored = log.read(|conn| store::list(conn, SourceId(1), None, 0, 10).map_err(StorageError::from)).unwrap();
        assert_eq!(stored.0, 2);
    }

    #[test]
    fn only_the_first_row_of_a_burst_spawns_a_flush() {
        let dir = tempfile::tempdir().unwrap();
        let log = EventStore::open(&dir.path().join("db"), eventlog::migrations::MIGRATIONS, Default::default());
        let recorder = RequestLog::new(log.unwrap());

        assert!(recorder.schedule());
        assert!(!recorder.schedule());
    }
}
