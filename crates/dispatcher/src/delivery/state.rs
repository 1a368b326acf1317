//! Each hook's retry state (the delivery being retried and when), its health, and the lease a
//! dispatch job holds while it sends.

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use eventlog::params;
use eventlog::sql::{Db, Optional};
use eventlog::{from_micros, to_micros};

/// A hook's retry state, health and lease.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HookState {
    /// The delivery being retried: it goes out again before anything else.
    pub retrying: Option<String>,
    /// Failed attempts of that delivery.
    pub attempt: u32,
    /// When that delivery is due again; none: now.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// The first failure since the last success.
    pub failing_since: Option<DateTime<Utc>>,
}

impl HookState {
    /// The state right after a success at `at`: nothing to retry, not failing.
    pub fn succeeded_at(at: DateTime<Utc>) -> Self {
        Self { last_success_at: Some(at), ..Self::default() }
    }
}

fn time(micros: Option<i64>) -> Option<DateTime<Utc>> {
    micros.map(from_micros)
}

/// A hook's state (the default when it has none yet).
pub fn state(conn: &Db<'_>, hook: HookId) -> eventlog::sql::Result<HookState> {
    Ok(conn
        .prepare_cached(
            "SELECT retry_delivery, attempt, next_attempt_at, last_success_at, failing_since FROM hook_delivery_state WHERE hook_id = ?1",
        )?
        .query_row([hook.0], |row| {
            Ok(HookState {
                retrying: row.get(0)?,
                attempt: row.get(1)?,
                next_attempt_at: time(row.get(2)?),
                last_success_at: time(row.get(3)?),
                failing_since: time(row.get(4)?),
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// Stores a hook's state (its lease is left alone).
pub fn save_state(conn: &Db<'_>, hook: HookId, state: &HookState) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO hook_delivery_state (hook_id, retry_delivery, attempt, next_attempt_at, last_success_at, failing_since)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (hook_id) DO UPDATE SET retry_delivery = excluded.retry_delivery, attempt = excluded.attempt,
             next_attempt_at = excluded.next_attempt_at, last_success_at = excluded.last_success_at,
             failing_since = excluded.failing_since",
    )?
    .execute(params![
        hook.0,
        state.retrying,
        state.attempt,
        state.next_attempt_at.map(to_micros),
        state.last_success_at.map(to_micros),
        state.failing_since.map(to_micros)
    ])?;
    Ok(())
}

/// Takes (or renews) a hook's lease until `until`, unless another owner holds an unexpired one.
pub fn take_lease(
    conn: &Db<'_>,
    hook: HookId,
    owner: &str,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> eventlog::sql::Result<bool> {
    conn.prepare_cached("INSERT INTO hook_delivery_state (hook_id) VALUES (?1) ON CONFLICT DO NOTHING")?
        .execute([hook.0])?;
    let taken = conn
        .prepare_cached(
            "UPDATE hook_delivery_state SET lease_owner = ?2, lease_until = ?3
             WHERE hook_id = ?1 AND (lease_owner IS NULL OR lease_owner = ?2 OR lease_until < ?4)",
        )?
        .execute(params![hook.0, owner, to_micros(until), to_micros(now)])?;
    Ok(taken == 1)
}

/// When the lease on a hook ends, if one is held.
pub fn lease_until(conn: &Db<'_>, hook: HookId) -> eventlog::sql::Result<Option<DateTime<Utc>>> {
    Ok(time(
        conn.prepare_cached("SELECT lease_until FROM hook_delivery_state WHERE hook_id = ?1")?
            .query_row([hook.0], |row| row.get(0))
            .optional()?
            .flatten(),
    ))
}

/// Gives a lease back.
pub fn release_lease(conn: &Db<'_>, hook: HookId, owner: &str) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "UPDATE hook_delivery_state SET lease_owner = NULL, lease_until = NULL WHERE hook_id = ?1 AND lease_owner = ?2",
    )?
    .execute(params![hook.0, owner])?;
    Ok(())
}

/// Hooks whose delivery lease is unexpired at `now`, as `(held by owner, held by others)`
/// (what `/ready` shows of a dispatcher).
pub fn lease_counts(conn: &Db<'_>, owner: &str, now: DateTime<Utc>) -> eventlog::sql::Result<(u64, u64)> {
    conn.prepare_cached(
        "SELECT coalesce(sum(CASE WHEN lease_owner = ?1 THEN 1 ELSE 0 END), 0),
                coalesce(sum(CASE WHEN lease_owner = ?1 THEN 0 ELSE 1 END), 0)
         FROM hook_delivery_state WHERE lease_owner IS NOT NULL AND lease_until >= ?2",
    )?
    .query_row(params![owner, to_micros(now)], |row| Ok((row.get(0)?, row.get(1)?)))
}
