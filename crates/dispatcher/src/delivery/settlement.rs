//! The settlement policy (SPEC §7): what a turn's answers come to for a hook — which deliveries
//! leave the queue, when the failed one is retried, whether its retries are exhausted, and
//! whether the hook is unpublished (a 410 answer, or failures for too long). Pure: the hook's
//! state, the answers, the policy, the jitter and the time come in as arguments; the settle
//! step writes what [`settlement`] returns.

use chrono::{DateTime, Utc};

use super::client::Answer;
use super::failure::Next;
use super::schedule::{parse_retry_after, retry_delay};
use super::state::HookState;

/// How failures are retried and when a failing hook is given up on.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'a> {
    /// Seconds before each retry (±20 % jitter each).
    pub retry_schedule: &'a [u64],
    /// How long a hook may fail without a single success before it is unpublished.
    pub unpublish_after: chrono::Duration,
}

/// One delivery sent in the turn, and what its receiver answered.
#[derive(Clone, Copy, Debug)]
pub struct Sent<'a> {
    pub delivery_id: &'a str,
    pub answer: &'a Answer,
}

/// What to write once a turn's deliveries were answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    /// The first `delivered` deliveries succeeded: their items leave the queue.
    pub delivered: usize,
    /// The attempt number each answer is logged under, in the order sent.
    pub attempts: Vec<u32>,
    /// The hook's state to store.
    pub state: HookState,
    /// The delivery that failed, if one did.
    pub failed: Option<Failed>,
    /// Unpublish the hook, for this reason.
    pub unpublish: Option<String>,
}

/// The delivery that failed (always the last one sent), and what happens to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failed {
    /// Its index among the deliveries sent.
    pub index: usize,
    /// Which attempt of it failed (1 for the first).
    pub attempt: u32,
    /// Retried at a time, exhausted (its items are kept as failed), or gone (410).
    pub next: Next,
}

/// Settles `sent` — deliveries in the order sent, stopping at the first failure; from a hook
/// with several requests in flight, its successes first, then its failures (the first one is
/// retried, the others stay queued and are logged as first attempts) — for a hook in `state`,
/// at `now`. `jitter` is a random number in [0, 1) that spreads the retry time.
///
/// - A success clears the retry state and the failing streak.
/// - The failed delivery is retried first, under the same id, after the schedule's delay (or
///   the receiver's longer `Retry-After`); past the schedule it is exhausted.
/// - A 410 Gone is not retried: the hook is unpublished and the delivery waits, as it was.
/// - A hook failing for `unpublish_after` since its last success is unpublished.
pub fn settlement(
    state: &HookState,
    sent: &[Sent<'_>],
    policy: &Policy<'_>,
    jitter: f64,
    now: DateTime<Utc>,
) -> Settlement {
    let delivered = sent.iter().take_while(|sent| sent.answer.succeeded()).count();
    let attempts = (0..sent.len()).map(|index| attempt_number(state, index)).collect();
    let mut next = if delivered > 0 { HookState::succeeded_at(now) } else { state.clone() };
    let Some(failure) = sent.get(delivered) else {
        return Settlement { delivered, attempts, state: next, failed: None, unpublish: None };
    };
    let attempt = attempt_number(state, delivered);
    next.retrying = Some(failure.delivery_id.to_owned());
    let failing_since = *next.failing_since.get_or_insert(now);
    if failure.answer.status == Some(410) {
        let failed = Failed { index: delivered, attempt, next: Next::Gone };
        let reason = format!("the receiver answered 410 Gone on {}", now.to_rfc3339());
        return Settlement { delivered, attempts, state: next, failed: Some(failed), unpublish: Some(reason) };
    }
    let retry_after = failure.answer.retry_after.as_deref().and_then(|value| parse_retry_after(value, now));
    let outcome = match retry_delay(policy.retry_schedule, attempt, jitter, retry_after) {
        Some(delay) => {
            let at = now + chrono::Duration::from_std(delay).unwrap_or_default();
            next.attempt = attempt;
            next.next_attempt_at = Some(at);
            Next::RetryAt(at)
        }
        None => {
            next = HookState { retrying: None, attempt: 0, next_attempt_at: None, ..next };
            Next::Exhausted
        }
    };
    let unpublish = (now - failing_since >= policy.unpublish_after)
        .then(|| format!("no successful delivery since {}", failing_since.to_rfc3339()));
    let failed = Failed { index: delivered, attempt, next: outcome };
    Settlement { delivered, attempts, state: next, failed: Some(failed), unpublish }
}

/// The attempt number of the delivery sent `index`-th: the first one may be a retry.
fn attempt_number(state: &HookState, index: usize) -> u32 {
    if index == 0 { state.attempt + 1 } else { 1 }
}

#[cfg(test)]
#[path = "settlement_tests.rs"]
mod tests;
