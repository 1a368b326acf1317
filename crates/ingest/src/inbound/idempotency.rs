//! The first answers to requests that carried an idempotency key, per source: stored with the
//! request that gave them, and replayed to a repeat within the window.

use std::time::Duration;

use domain::ids::{DealId, SourceId};
use eventlog::Transaction;
use eventlog::sql::{Db, Optional};

use super::outcome::{InboundOutcome, Replayed};
use crate::CommandError;

/// An idempotency key as a request carried it, with what identifies the request's body.
pub struct KeyedRequest<'r> {
    pub source_id: SourceId,
    pub key: &'r str,
    /// Of the decoded JSON text (see `InboundRequest::body_sha256`).
    pub body_sha256: &'r str,
}

/// The first answer to this key, if it was given within `window`. 422 when the key was used
/// for a different body.
pub fn earlier_answer(
    tx: &Transaction<'_>,
    request: &KeyedRequest<'_>,
    window: Duration,
) -> Result<Option<InboundOutcome>, CommandError> {
    let Some(stored) = find(tx.sql(), request.source_id, request.key)? else { return Ok(None) };
    let window = i64::try_from(window.as_micros()).unwrap_or(i64::MAX);
    if stored.created_at < tx.recorded_at().timestamp_micros().saturating_sub(window) {
        return Ok(None);
    }
    if stored.body_sha256 != request.body_sha256 {
        return Err(CommandError::invalid(
            "Idempotency-Key",
            "this key was already used for a different body; use a new key for a new request",
        ));
    }
    let deal_id = deal_of(&stored.response);
    Ok(Some(InboundOutcome::Replayed(Replayed { status: stored.status, body: stored.response, deal_id })))
}

/// Stores the answer to a request under its key, in the request's own transaction.
pub fn remember(
    tx: &Transaction<'_>,
    request: &KeyedRequest<'_>,
    outcome: &InboundOutcome,
) -> Result<(), CommandError> {
    let stored = StoredAnswer {
        body_sha256: request.body_sha256.to_owned(),
        status: outcome.status(),
        response: outcome.body(),
        created_at: tx.recorded_at().timestamp_micros(),
    };
    save(tx.sql(), request.source_id, request.key, &stored)?;
    Ok(())
}

/// The deal id of a stored answer (`{"deal": {"id": …}}`).
fn deal_of(answer: &str) -> Option<DealId> {
    #[derive(serde::Deserialize)]
    struct Answer {
        deal: Id,
    }
    #[derive(serde::Deserialize)]
    struct Id {
        id: DealId,
    }
    serde_json::from_str::<Answer>(answer).ok().map(|answer| answer.deal.id)
}

/// An answer as first sent.
#[derive(Clone, Debug)]
pub struct StoredAnswer {
    pub body_sha256: String,
    pub status: u16,
    pub response: String,
    /// UTC microseconds.
    pub created_at: i64,
}

/// The stored answer for a source's key, if any.
pub fn find(conn: &Db<'_>, source: SourceId, key: &str) -> eventlog::sql::Result<Option<StoredAnswer>> {
    conn.prepare_cached(
        "SELECT body_sha256, status, response, created_at FROM idempotency_keys WHERE source_id = ?1 AND key = ?2",
    )?
    .query_row((source.0, key), |row| {
        Ok(StoredAnswer {
            body_sha256: row.get(0)?,
            status: row.get(1)?,
            response: row.get(2)?,
            created_at: row.get(3)?,
        })
    })
    .optional()
}

/// Remembers (or replaces an expired) answer for a source's key.
pub fn save(conn: &Db<'_>, source: SourceId, key: &str, answer: &StoredAnswer) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO idempotency_keys (source_id, key, body_sha256, status, response, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (source_id, key) DO UPDATE SET body_sha256 = excluded.body_sha256, status = excluded.status, response = excluded.response, created_at = excluded.created_at",
    )?
    .execute((source.0, key, &answer.body_sha256, answer.status, &answer.response, answer.created_at))?;
    Ok(())
}

/// Forgets answers older than `before` (UTC microseconds); answers how many.
pub fn purge(conn: &Db<'_>, before: i64) -> eventlog::sql::Result<usize> {
    conn.prepare_cached("DELETE FROM idempotency_keys WHERE created_at < ?1")?.execute([before])
}
