//! How far behind each hook is — the head-of-line promise made visible: the items waiting and
//! when the oldest of them was queued. An ordered hook whose backlog grows is bound by its
//! receiver's round trip; `maxInFlight` is the remedy.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use eventlog::from_micros;
use eventlog::sql::{Db, Optional};

/// One hook's waiting items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backlog {
    pub pending: u64,
    /// When the item at the head of the queue (the earliest in the log) was queued; none when
    /// nothing is pending.
    pub oldest_at: Option<DateTime<Utc>>,
}

impl Backlog {
    /// Whole seconds the oldest pending item has waited at `now` (none when nothing waits).
    pub fn oldest_age(&self, now: DateTime<Utc>) -> Option<u64> {
        self.oldest_at.map(|at| u64::try_from((now - at).num_seconds()).unwrap_or(0))
    }
}

/// The backlog of every hook with pending items.
pub fn all(conn: &Db<'_>) -> eventlog::sql::Result<HashMap<HookId, Backlog>> {
    // Counted on the queue's index alone; each head is one more index lookup.
    let mut statement = conn.prepare_cached("SELECT hook_id, count(*) FROM delivery_items GROUP BY hook_id")?;
    let counts: Vec<(HookId, u64)> =
        statement.query_map([], |row| Ok((HookId(row.get(0)?), row.get(1)?)))?.collect::<Result<_, _>>()?;
    counts
        .into_iter()
        .map(|(hook, pending)| Ok((hook, Backlog { pending, oldest_at: head_queued_at(conn, hook)? })))
        .collect()
}

/// One hook's backlog.
pub fn of(conn: &Db<'_>, hook: HookId) -> eventlog::sql::Result<Backlog> {
    let pending = conn
        .prepare_cached("SELECT count(*) FROM delivery_items WHERE hook_id = ?1")?
        .query_row([hook.0], |row| row.get(0))?;
    Ok(Backlog { pending, oldest_at: head_queued_at(conn, hook)? })
}

/// When the item at the head of the hook's queue (the earliest in the log) was queued: the one
/// an ordered hook sends next, so its age is how far the hook is behind.
fn head_queued_at(conn: &Db<'_>, hook: HookId) -> eventlog::sql::Result<Option<DateTime<Utc>>> {
    conn.prepare_cached("SELECT created_at FROM delivery_items WHERE hook_id = ?1 ORDER BY position, trigger LIMIT 1")?
        .query_row([hook.0], |row| row.get::<i64>(0))
        .optional()
        .map(|at| at.map(from_micros))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn given_an_item_queued_ninety_seconds_ago_then_the_oldest_age_is_ninety() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        let backlog = Backlog { pending: 3, oldest_at: Some(now - chrono::Duration::seconds(90)) };
        assert_eq!(backlog.oldest_age(now), Some(90));
    }

    #[test]
    fn given_nothing_pending_or_a_clock_step_back_then_no_age_or_zero() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        assert_eq!(Backlog::default().oldest_age(now), None);
        let ahead = Backlog { pending: 1, oldest_at: Some(now + chrono::Duration::seconds(5)) };
        assert_eq!(ahead.oldest_age(now), Some(0));
    }
}
