//! The first answers to requests that carried an idempotency key, per source.

use domain::ids::SourceId;
use rusqlite::{Connection, OptionalExtension};

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
pub fn find(conn: &Connection, source: SourceId, key: &str) -> rusqlite::Result<Option<StoredAnswer>> {
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
pub fn save(conn: &Connection, source: SourceId, key: &str, answer: &StoredAnswer) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO idempotency_keys (source_id, key, body_sha256, status, response, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute((source.0, key, &answer.body_sha256, answer.status, &answer.response, answer.created_at))?;
    Ok(())
}

/// Forgets answers older than `before` (UTC microseconds); answers how many.
pub fn purge(conn: &Connection, before: i64) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM idempotency_keys WHERE created_at < ?1")?.execute([before])
}
