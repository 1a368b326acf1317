//! The delivery log: every attempt, newest kept up to `log_max` per hook.

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use eventlog::params;
use eventlog::sql::{Db, Optional};
use serde::Serialize;

use super::client::{Answer, is_success};
use super::log_query::LogQuery;
use super::queue::Item;

/// One attempt, as logged and as `GET /api/hooks/{id}/logs` shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Attempt {
    #[serde(skip)]
    pub hook_id: HookId,
    pub delivery_id: String,
    pub event_ids: Vec<String>,
    pub attempt: u32,
    pub status_code: Option<u16>,
    pub runtime_ms: u64,
    pub note: Option<String>,
    #[serde(rename = "test")]
    pub is_test: bool,
    /// Whether this failed attempt was the delivery's last: no retry was left.
    pub exhausted: bool,
    #[serde(rename = "created_at")]
    pub at: DateTime<Utc>,
}

impl Attempt {
    /// The `attempt`-th try of delivering `items` under `delivery_id`, which got `answer`.
    pub fn answered(
        hook_id: HookId,
        delivery_id: &str,
        items: &[Item],
        attempt: u32,
        answer: &Answer,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            hook_id,
            delivery_id: delivery_id.to_owned(),
            event_ids: items.iter().map(|item| item.event_id.clone()).collect(),
            attempt,
            status_code: answer.status,
            runtime_ms: answer.runtime.as_millis() as u64,
            note: answer.note.clone(),
            is_test: false,
            exhausted: false,
            at,
        }
    }

    /// Whether the receiver answered with a 2xx (the one rule: [`is_success`]).
    pub fn succeeded(&self) -> bool {
        is_success(self.status_code)
    }
}

/// A logged attempt.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LogEntry {
    pub id: u64,
    #[serde(flatten)]
    pub attempt: Attempt,
}

/// Logs an attempt (see [`trim_log`]).
pub fn record(conn: &Db<'_>, attempt: &Attempt) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO delivery_log (hook_id, delivery_id, event_ids, attempt, status_code, runtime_ms, note, is_test, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        attempt.hook_id.0,
        attempt.delivery_id,
        serde_json::to_string(&attempt.event_ids).unwrap_or_else(|_| "[]".into()),
        attempt.attempt,
        attempt.status_code,
        attempt.runtime_ms,
        attempt.note,
        attempt.is_test,
        attempt.at.timestamp_micros(),
    ])?;
    Ok(())
}

/// Marks the logged failed `attempt` of a delivery as the one that exhausted its retries.
pub fn mark_exhausted(conn: &Db<'_>, hook: HookId, delivery_id: &str, attempt: u32) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "UPDATE delivery_log SET exhausted = 1 WHERE hook_id = ?1 AND delivery_id = ?2 AND attempt = ?3 AND is_test = 0",
    )?
    .execute(params![hook.0, delivery_id, attempt])?;
    Ok(())
}

/// Keeps only the newest `log_max` entries of a hook's log.
pub fn trim_log(conn: &Db<'_>, hook: HookId, log_max: u32) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "DELETE FROM delivery_log WHERE hook_id = ?1 AND id <= (
             SELECT id FROM delivery_log WHERE hook_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
    )?
    .execute(params![hook.0, log_max])?;
    Ok(())
}

/// The status and note of the hook's latest logged attempt, when it failed (tests left out).
pub fn last_failure(conn: &Db<'_>, hook: HookId) -> eventlog::sql::Result<Option<(Option<u16>, Option<String>)>> {
    let latest: Option<(Option<u16>, Option<String>)> = conn
        .prepare_cached(
            "SELECT status_code, note FROM delivery_log WHERE hook_id = ?1 AND is_test = 0 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([hook.0], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(latest.filter(|(status, _)| !status.is_some_and(|status| (200..300).contains(&status))))
}

/// A page of a hook's log matching the query, newest first, and the total matching.
pub fn logs(conn: &Db<'_>, hook: HookId, query: &LogQuery) -> eventlog::sql::Result<(u64, Vec<LogEntry>)> {
    let conditions = query.conditions();
    let (since, until) = query.bounds();
    let total: u64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM delivery_log WHERE hook_id = ?1{conditions}"))?
        .query_row(params![hook.0, since, until], |r| r.get(0))?;
    let (limit, start) = (query.page.limit as i64, query.page.start as i64);
    let entries = conn
        .prepare_cached(&format!(
            "SELECT id, delivery_id, event_ids, attempt, status_code, runtime_ms, note, is_test, created_at, exhausted
             FROM delivery_log WHERE hook_id = ?1{conditions} ORDER BY id DESC LIMIT ?4 OFFSET ?5"
        ))?
        .query_map(params![hook.0, since, until, limit, start], |row| {
            let ids: String = row.get(2)?;
            let attempt = Attempt {
                hook_id: hook,
                delivery_id: row.get(1)?,
                event_ids: serde_json::from_str(&ids).unwrap_or_default(),
                attempt: row.get(3)?,
                status_code: row.get(4)?,
                runtime_ms: row.get(5)?,
                note: row.get(6)?,
                is_test: row.get(7)?,
                exhausted: row.get(9)?,
                at: eventlog::from_micros(row.get(8)?),
            };
            Ok(LogEntry { id: row.get(0)?, attempt })
        })?
        .collect::<Result<_, _>>()?;
    Ok((total, entries))
}
