//! What a dispatch run did, as `dealflow dispatch` reports it: what was sent, what failed, which
//! hooks another job holds, and which failing hooks wait for their retry.

use chrono::{DateTime, Utc};
use domain::ids::HookId;

use eventlog::sql::Db;

use super::failure::{Failure, reason_of};
use super::work::Turn;
use super::{attempts, queue, state};

/// What a dispatch run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Requests answered with a 2xx.
    pub deliveries: usize,
    /// Events in those requests.
    pub events: usize,
    /// Hooks whose turn ended with a failed delivery.
    pub failures: usize,
    /// Those failed deliveries, with their reasons.
    pub failed: Vec<Failure>,
    /// Hooks skipped because another dispatch job holds their lease.
    pub leased: Vec<Lease>,
    /// Hooks with pending items whose failed delivery is not due for its retry yet.
    pub waiting: Vec<Waiting>,
}

/// A failing hook whose next attempt is not due yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub hook: HookId,
    /// When the delivery being retried is due.
    pub until: DateTime<Utc>,
    /// Failed attempts of that delivery so far.
    pub attempts: u32,
    /// Why the last attempt failed (none when the log no longer has it).
    pub reason: Option<String>,
}

/// A hook another dispatch job is sending, and when its lease ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease {
    pub hook: HookId,
    pub until: DateTime<Utc>,
}

impl Report {
    /// Counts what one lane turn sent (a leased turn is recorded by the caller, who knows the
    /// hook); true when the turn delivered everything it sent, so the hook may have more.
    pub(super) fn count(&mut self, turn: Turn) -> bool {
        match turn {
            Turn::Delivered { deliveries, events } => {
                self.deliveries += deliveries;
                self.events += events;
                true
            }
            Turn::Failed { delivered, failure } => {
                self.deliveries += delivered;
                self.failures += 1;
                self.failed.extend(failure);
                false
            }
            Turn::Idle | Turn::Held | Turn::Waiting { .. } | Turn::Leased { .. } => false,
        }
    }

    pub(super) fn add(&mut self, other: Report) {
        self.deliveries += other.deliveries;
        self.events += other.events;
        self.failures += other.failures;
        self.failed.extend(other.failed);
        self.leased.extend(other.leased);
        self.waiting.extend(other.waiting);
    }
}

/// Failing hooks (only `only`) with pending items whose retry is not due at `now`, each with
/// the reason its last attempt failed.
pub(super) fn waiting(conn: &Db<'_>, only: Option<HookId>, now: DateTime<Utc>) -> eventlog::sql::Result<Vec<Waiting>> {
    let mut waiting = Vec::new();
    for (hook, at) in queue::waiting_hooks(conn, now)? {
        let Some(until) = at.filter(|at| *at > now) else { continue };
        if only.is_some_and(|only| only != hook) {
            continue;
        }
        let attempts = state::state(conn, hook)?.attempt;
        let reason = attempts::last_failure(conn, hook)?.map(|(status, note)| reason_of(status, note.as_deref()));
        waiting.push(Waiting { hook, until, attempts, reason });
    }
    Ok(waiting)
}
