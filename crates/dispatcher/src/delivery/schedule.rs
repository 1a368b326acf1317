//! When to try again, and when the dispatch job runs next. Pure: time and randomness come in as
//! arguments.

use std::time::Duration;

use chrono::{DateTime, Utc};
use croner::Cron;

/// The longest wait a receiver's `Retry-After` can impose.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The wait before retry number `failures` (1 for the first retry), with ±20 % jitter (`unit`
/// is a random number in [0, 1)), at least what the receiver's `Retry-After` asked for. `None`
/// when the schedule is exhausted.
pub fn retry_delay(schedule: &[u64], failures: u32, unit: f64, retry_after: Option<Duration>) -> Option<Duration> {
    let base = *schedule.get(usize::try_from(failures).ok()?.checked_sub(1)?)?;
    let jittered = Duration::from_secs_f64(base as f64 * (0.8 + 0.4 * unit.clamp(0.0, 1.0)));
    Some(retry_after.map_or(jittered, |asked| jittered.max(asked.min(MAX_RETRY_AFTER))))
}

/// A `Retry-After` value: seconds, or an HTTP date.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    (at - now).to_std().ok()
}

/// The dispatch job's next run after `after`.
pub fn next_run(cron: &Cron, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    cron.find_next_occurrence(&after, false).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &[u64] = &[5, 300, 1800, 7200, 18000, 36000, 36000];

    #[test]
    fn retries_follow_the_schedule_within_twenty_percent() {
        assert_eq!(retry_delay(SPEC, 1, 0.5, None), Some(Duration::from_secs(5)));
        assert_eq!(retry_delay(SPEC, 2, 0.0, None), Some(Duration::from_secs(240)));
        assert_eq!(retry_delay(SPEC, 2, 0.999_999, None).map(|d| d.as_secs()), Some(359));
        assert_eq!(retry_delay(SPEC, 8, 0.5, None), None, "the schedule has seven retries");
        assert_eq!(retry_delay(SPEC, 0, 0.5, None), None);
    }

    #[test]
    fn retry_after_lengthens_but_never_shortens_the_wait() {
        assert_eq!(retry_delay(SPEC, 1, 0.5, Some(Duration::from_secs(60))), Some(Duration::from_secs(60)));
        assert_eq!(retry_delay(SPEC, 2, 0.5, Some(Duration::from_secs(1))), Some(Duration::from_secs(300)));
        assert_eq!(retry_delay(SPEC, 1, 0.5, Some(Duration::from_secs(10_000_000))), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        let now = DateTime::parse_from_rfc3339("2026-03-25T14:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 25 Mar 2026 14:31:00 GMT", now), Some(Duration::from_secs(60)));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn the_next_run_follows_the_cron_expression() {
        let cron = Cron::new("*/5 * * * *").parse().unwrap();
        let now = DateTime::parse_from_rfc3339("2026-03-25T14:31:10Z").unwrap().with_timezone(&Utc);
        assert_eq!(next_run(&cron, now).unwrap().to_rfc3339(), "2026-03-25T14:35:00+00:00");
    }
}
