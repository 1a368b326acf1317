//! When a failing hook's next retry is due, from the data `dealflow dispatch` reports its
//! "waiting" hooks with: the hook's delivery state (`next_attempt_at`) and its pending items.
//! While that time is ahead, nothing goes out to the hook (whatever its order): newer events
//! wait behind the failing delivery.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use dispatcher::delivery::{queue, state};
use dispatcher::hooks::model::Hook;
use domain::ids::HookId;
use eventlog::sql::Db;

/// When the hook's next retry is due: only for a live hook with pending events whose retry time
/// is still ahead of `now` (a due retry goes out with the next send; a stopped hook sends none).
pub fn due(
    next_attempt_at: Option<DateTime<Utc>>,
    pending: u64,
    live: bool,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    next_attempt_at.filter(|at| live && pending > 0 && *at > now)
}

/// Each hook's next retry, as RFC 3339 UTC to the second (`2026-11-30T21:56:31Z`), for those
/// that have one.
pub fn of(conn: &Db<'_>, hooks: &[Hook], now: DateTime<Utc>) -> eventlog::sql::Result<HashMap<HookId, String>> {
    let mut due_at = HashMap::new();
    for hook in hooks {
        let at = state::state(conn, hook.id)?.next_attempt_at;
        let (pending, _) = queue::count(conn, hook.id)?;
        if let Some(at) = due(at, pending, hook.is_live(now), now) {
            due_at.insert(hook.id, at.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
    }
    Ok(due_at)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn a_retry_ahead_for_a_live_hook_with_pending_events_is_due_then() {
        let now = Utc::now();
        let later = now + Duration::minutes(5);
        assert_eq!(due(Some(later), 3, true, now), Some(later));
    }

    #[test]
    fn no_retry_is_shown_when_it_is_past_absent_nothing_waits_or_the_hook_is_stopped() {
        let now = Utc::now();
        let (earlier, later) = (now - Duration::seconds(1), now + Duration::minutes(5));
        assert_eq!(due(Some(earlier), 3, true, now), None, "already due: it goes out with the next send");
        assert_eq!(due(None, 3, true, now), None, "no failure");
        assert_eq!(due(Some(later), 0, true, now), None, "nothing pending");
        assert_eq!(due(Some(later), 3, false, now), None, "an unpublished hook sends nothing");
    }
}
