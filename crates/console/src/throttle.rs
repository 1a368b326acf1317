//! Failed sign-in throttling: after [`MAX_FAILURES`] failures for one username from one address
//! within [`WINDOW`], further attempts are refused without checking the password until
//! [`LOCKOUT`] has passed since the last failure. A success clears the count.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed before attempts are refused.
pub const MAX_FAILURES: u32 = 5;
/// How long failures are remembered.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long attempts are refused after the last failure once the limit is reached.
pub const LOCKOUT: Duration = Duration::from_secs(60);
/// Keys remembered at most (older ones are forgotten first when full).
const MAX_KEYS: usize = 100_000;

/// Failures of one key: how many, and when the last one was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last: Instant,
}

/// How long to wait before the next attempt, if at all: pure, for tests.
pub fn wait_needed(failures: Option<Failures>, now: Instant) -> Option<Duration> {
    let failures = failures?;
    let since = now.saturating_duration_since(failures.last);
    (failures.count >= MAX_FAILURES && since < LOCKOUT).then(|| LOCKOUT - since)
}

/// The failures after one more at `now` (a count older than [`WINDOW`] starts again).
pub fn after_failure(failures: Option<Failures>, now: Instant) -> Failures {
    match failures {
        Some(f) if now.saturating_duration_since(f.last) < WINDOW => Failures { count: f.count + 1, last: now },
        _ => Failures { count: 1, last: now },
    }
}

/// The failures per (lower-cased username, client address).
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<(String, String), Failures>>,
}

impl Throttle {
    fn key(username: &str, address: &str) -> (String, String) {
        (username.trim().to_lowercase(), address.to_owned())
    }

    /// How long this username from this address must wait, if it must.
    pub fn wait(&self, username: &str, address: &str) -> Option<Duration> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        wait_needed(failures.get(&Self::key(username, address)).copied(), Instant::now())
    }

    /// Counts a failed attempt.
    pub fn failed(&self, username: &str, address: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, f| now.saturating_duration_since(f.last) < WINDOW);
        }
        let key = Self::key(username, address);
        let next = after_failure(failures.get(&key).copied(), now);
        failures.insert(key, next);
    }

    /// Forgets the failures after a successful sign-in.
    pub fn succeeded(&self, username: &str, address: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&Self::key(username, address));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_failures_need_no_wait_and_the_fifth_locks_for_a_minute() {
        let start = Instant::now();
        let mut failures = None;
        for _ in 0..4 {
            failures = Some(after_failure(failures, start));
        }
        assert_eq!(wait_needed(failures, start), None);
        failures = Some(after_failure(failures, start));
        assert_eq!(wait_needed(failures, start), Some(LOCKOUT));
        assert_eq!(wait_needed(failures, start + LOCKOUT), None, "the lock ends after LOCKOUT");
    }

    #[test]
    fn failures_older_than_the_window_start_the_count_again() {
        let start = Instant::now();
        let old = Some(Failures { count: 4, last: start });
        assert_eq!(after_failure(old, start + WINDOW).count, 1);
        assert_eq!(after_failure(old, start + Duration::from_secs(1)).count, 5);
    }

    #[test]
    fn a_success_clears_the_count_of_that_username_and_address_only() {
        let throttle = Throttle::default();
        for _ in 0..MAX_FAILURES {
            throttle.failed("Admin", "10.0.0.1");
            throttle.failed("admin", "10.0.0.2");
        }
        assert!(throttle.wait("admin", "10.0.0.1").is_some(), "usernames are compared lower-cased");
        throttle.succeeded("admin", "10.0.0.1");
        assert!(throttle.wait("admin", "10.0.0.1").is_none());
        assert!(throttle.wait("admin", "10.0.0.2").is_some());
    }
}
