//! A failed delivery as operators are told of it: once in the log at `warn`, and in the report of
//! `dealflow dispatch`.

use chrono::{DateTime, Utc};
use domain::ids::HookId;

use super::client::Answer;

/// A delivery that failed, and what happens to it next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub hook: HookId,
    pub delivery_id: String,
    /// Which attempt of this delivery failed (1 for the first).
    pub attempt: u32,
    /// The receiver's status; none when no answer came.
    pub status: Option<u16>,
    /// Why: `HTTP 500`, a timeout, a connection error, a refused target.
    pub reason: String,
    pub next: Next,
}

/// What happens to a failed delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Sent again at this time.
    RetryAt(DateTime<Utc>),
    /// Retries are exhausted: its events are kept as failed and the queue moves on.
    Exhausted,
    /// The receiver answered 410 Gone: the hook is unpublished, the delivery waits.
    Gone,
}

impl Failure {
    /// The failure of `answer` to the `attempt`-th try of `delivery_id`.
    pub fn of(hook: HookId, delivery_id: &str, attempt: u32, answer: &Answer, next: Next) -> Self {
        Self { hook, delivery_id: delivery_id.to_owned(), attempt, status: answer.status, reason: reason(answer), next }
    }

    /// Logs the failure once, at `warn`.
    pub fn log(&self) {
        let (hook, delivery_id, attempt, status) = (self.hook.0, &self.delivery_id, self.attempt, self.status);
        let reason = &self.reason;
        match self.next {
            Next::RetryAt(at) => tracing::warn!(
                hook_id = hook, delivery_id = %delivery_id, attempt, status, %reason, next_retry = %at.to_rfc3339(), "a delivery failed"
            ),
            Next::Exhausted => tracing::warn!(
                hook_id = hook, delivery_id = %delivery_id, attempt, status, %reason, next_retry = %"none",
                "a delivery failed and its retries are exhausted: its events are kept as failed"
            ),
            Next::Gone => tracing::warn!(
                hook_id = hook, delivery_id = %delivery_id, attempt, status, %reason, next_retry = %"none",
                "a delivery failed with 410 Gone: the hook is unpublished"
            ),
        }
    }

    /// One line for people: `hook 3: HTTP 500 (attempt 2 of delivery msg_…; retried at …)`.
    pub fn describe(&self) -> String {
        let next = match self.next {
            Next::RetryAt(at) => format!("retried at {}", at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            Next::Exhausted => "retries exhausted; its events are kept as failed".to_owned(),
            Next::Gone => "the hook is unpublished".to_owned(),
        };
        format!(
            "hook {} failed: {} (attempt {} of delivery {}; {next})",
            self.hook, self.reason, self.attempt, self.delivery_id
        )
    }
}

/// A receiver's body in a reason: its first line, at most this many characters.
const BODY_CHARS: usize = 200;
/// A transport error in a reason: whole in practice (these are a URL and a cause chain); the
/// bound only guards the log against the absurd.
const ERROR_CHARS: usize = 2000;

/// Why an answer is a failure, in a line.
fn reason(answer: &Answer) -> String {
    reason_of(answer.status, answer.note.as_deref())
}

/// Why an attempt with this status and note failed, in a line (also for a logged attempt).
pub fn reason_of(status: Option<u16>, note: Option<&str>) -> String {
    match (status, note) {
        (Some(status), Some(note)) => format!("HTTP {status}: {}", first_line(note, BODY_CHARS)),
        (Some(status), None) => format!("HTTP {status}"),
        (None, Some(note)) => first_line(note, ERROR_CHARS),
        (None, None) => "no answer".to_owned(),
    }
}

fn first_line(text: &str, max_chars: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    domain::clip::clip(line, max_chars).into_owned()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn answer(status: Option<u16>, note: Option<&str>) -> Answer {
        Answer { status, retry_after: None, note: note.map(str::to_owned), runtime: Duration::ZERO }
    }

    #[test]
    fn the_reason_names_the_status_or_what_went_wrong() {
        assert_eq!(reason(&answer(Some(500), None)), "HTTP 500");
        assert_eq!(reason(&answer(Some(503), Some("busy\nmore"))), "HTTP 503: busy");
        assert_eq!(reason(&answer(None, Some("timed out: deadline"))), "timed out: deadline");
    }

    #[test]
    fn a_connection_error_is_never_cut_mid_word() {
        let url = format!("http://{}.invalid/in", "long-host-name".repeat(12));
        let note = format!(
            "could not connect: error sending request for url ({url}): client error (Connect): dns error: \
             failed to lookup address information: Name or service not known"
        );
        assert_eq!(reason(&answer(None, Some(&note))), note);
    }

    #[test]
    fn a_long_receiver_body_is_cut_at_a_word_with_an_ellipsis() {
        let body = "the receiver could not take this request because ".repeat(10);
        let reason = reason(&answer(Some(500), Some(&body)));
        assert!(reason.ends_with("because…") || reason.ends_with("request…") || reason.ends_with('…'), "{reason}");
        let kept = reason.trim_start_matches("HTTP 500: ").trim_end_matches('…');
        assert!(body.starts_with(kept) && body[kept.len()..].starts_with(' '), "cut mid-word: {reason}");
        assert!(reason.chars().count() <= "HTTP 500: ".len() + BODY_CHARS);
    }

    #[test]
    fn the_description_says_what_happens_next() {
        let failure = Failure::of(HookId(3), "msg_1", 2, &answer(Some(500), None), Next::Exhausted);
        assert_eq!(
            failure.describe(),
            "hook 3 failed: HTTP 500 (attempt 2 of delivery msg_1; retries exhausted; its events are kept as failed)"
        );
    }
}
