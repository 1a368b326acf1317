//! Given a hook's state, when its deliveries are answered, then the settlement says what to write.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::*;

const SCHEDULE: &[u64] = &[5, 300, 1800, 7200, 18000, 36000, 36000];
const FAILED_ID: &str = "msg_failed";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-25T14:30:00Z").unwrap().with_timezone(&Utc)
}

fn later(seconds: i64) -> DateTime<Utc> {
    now() + chrono::Duration::seconds(seconds)
}

fn hours_ago(hours: i64) -> DateTime<Utc> {
    now() - chrono::Duration::hours(hours)
}

/// A hook retrying `FAILED_ID` after `attempt` failures, failing since `since`.
fn retrying(attempt: u32, since: DateTime<Utc>) -> HookState {
    HookState {
        retrying: Some(FAILED_ID.into()),
        attempt,
        next_attempt_at: Some(hours_ago(1)),
        last_success_at: Some(hours_ago(100)),
        failing_since: Some(since),
    }
}

/// The same hook once the failed delivery waits for its `attempt`-th retry at `at`.
fn waiting(attempt: u32, at: DateTime<Utc>, since: DateTime<Utc>) -> HookState {
    HookState { attempt, next_attempt_at: Some(at), ..retrying(attempt, since) }
}

/// A hook that never succeeded, once its first delivery failed and waits until `at`.
fn first_failure(at: DateTime<Utc>) -> HookState {
    HookState {
        retrying: Some(FAILED_ID.into()),
        attempt: 1,
        next_attempt_at: Some(at),
        failing_since: Some(now()),
        ..HookState::default()
    }
}

/// A hook failing since `since` whose delivery was given up on: the queue moves on.
fn gave_up(since: DateTime<Utc>) -> HookState {
    HookState { retrying: None, attempt: 0, next_attempt_at: None, ..retrying(0, since) }
}

/// An answer: its status (none: no answer came) and its `Retry-After`.
fn answer(status: Option<u16>, retry_after: Option<&str>) -> Answer {
    Answer { status, retry_after: retry_after.map(str::to_owned), note: None, runtime: Duration::ZERO }
}

struct Case {
    name: &'static str,
    given: HookState,
    /// Each delivery's answer, in the order sent; the last one is sent as `FAILED_ID`.
    when: Vec<Answer>,
    jitter: f64,
    then: Settlement,
}

/// What to write: `delivered`, each answer's attempt, the state, the failure, the reason to unpublish.
fn settled(
    delivered: usize,
    attempts: &[u32],
    state: HookState,
    failed: Option<Failed>,
    unpublish: Option<&str>,
) -> Settlement {
    Settlement { delivered, attempts: attempts.to_vec(), state, failed, unpublish: unpublish.map(str::to_owned) }
}

fn failed(index: usize, attempt: u32, next: Next) -> Option<Failed> {
    Some(Failed { index, attempt, next })
}

fn cases() -> Vec<Case> {
    let ok = || answer(Some(200), None);
    let error = || answer(Some(500), None);
    let fresh_failure = |attempt, at| HookState {
        retrying: Some(FAILED_ID.into()),
        attempt,
        next_attempt_at: Some(at),
        last_success_at: Some(now()),
        failing_since: Some(now()),
    };
    vec![
        Case {
            name: "a success on a new hook records the success",
            given: HookState::default(),
            when: vec![ok()],
            jitter: 0.5,
            then: settled(1, &[1], HookState::succeeded_at(now()), None, None),
        },
        Case {
            name: "a retried delivery that succeeds ends the failing streak",
            given: retrying(3, hours_ago(2)),
            when: vec![ok(), ok()],
            jitter: 0.5,
            then: settled(2, &[4, 1], HookState::succeeded_at(now()), None, None),
        },
        Case {
            name: "a first failure is retried after the schedule's first delay",
            given: HookState::default(),
            when: vec![error()],
            jitter: 0.5,
            then: settled(0, &[1], first_failure(later(5)), failed(0, 1, Next::RetryAt(later(5))), None),
        },
        Case {
            name: "a second failure waits the second delay and keeps the streak's start",
            given: retrying(1, hours_ago(2)),
            when: vec![error()],
            jitter: 0.5,
            then: settled(0, &[2], waiting(2, later(300), hours_ago(2)), failed(0, 2, Next::RetryAt(later(300))), None),
        },
        Case {
            name: "the jitter takes up to twenty percent off the delay",
            given: retrying(1, hours_ago(2)),
            when: vec![answer(None, None)],
            jitter: 0.0,
            then: settled(0, &[2], waiting(2, later(240), hours_ago(2)), failed(0, 2, Next::RetryAt(later(240))), None),
        },
        Case {
            name: "a longer Retry-After postpones the retry",
            given: HookState::default(),
            when: vec![answer(Some(503), Some("60"))],
            jitter: 0.5,
            then: settled(0, &[1], first_failure(later(60)), failed(0, 1, Next::RetryAt(later(60))), None),
        },
        Case {
            name: "a shorter Retry-After never hastens the retry",
            given: retrying(1, hours_ago(2)),
            when: vec![answer(Some(429), Some("Wed, 25 Mar 2026 14:30:01 GMT"))],
            jitter: 0.5,
            then: settled(0, &[2], waiting(2, later(300), hours_ago(2)), failed(0, 2, Next::RetryAt(later(300))), None),
        },
        Case {
            name: "a failure past the schedule exhausts the delivery and the queue moves on",
            given: retrying(7, hours_ago(2)),
            when: vec![error()],
            jitter: 0.5,
            then: settled(0, &[8], gave_up(hours_ago(2)), failed(0, 8, Next::Exhausted), None),
        },
        Case {
            name: "a 410 Gone is not retried and unpublishes the hook",
            given: retrying(2, hours_ago(2)),
            when: vec![answer(Some(410), None)],
            jitter: 0.5,
            then: settled(
                0,
                &[3],
                retrying(2, hours_ago(2)),
                failed(0, 3, Next::Gone),
                Some("the receiver answered 410 Gone on 2026-03-25T14:30:00+00:00"),
            ),
        },
        Case {
            name: "a failure after successes starts a new streak at attempt one",
            given: retrying(4, hours_ago(2)),
            when: vec![ok(), ok(), error()],
            jitter: 0.5,
            then: settled(2, &[5, 1, 1], fresh_failure(1, later(5)), failed(2, 1, Next::RetryAt(later(5))), None),
        },
        Case {
            name: "a 410 after a success unpublishes without counting an attempt",
            given: HookState::default(),
            when: vec![ok(), answer(Some(410), None)],
            jitter: 0.5,
            then: settled(
                1,
                &[1, 1],
                HookState { next_attempt_at: None, attempt: 0, ..fresh_failure(0, now()) },
                failed(1, 1, Next::Gone),
                Some("the receiver answered 410 Gone on 2026-03-25T14:30:00+00:00"),
            ),
        },
        Case {
            name: "a hook failing for the whole unpublish period is unpublished and still retried",
            given: retrying(2, hours_ago(120)),
            when: vec![error()],
            jitter: 0.5,
            then: settled(
                0,
                &[3],
                waiting(3, later(1800), hours_ago(120)),
                failed(0, 3, Next::RetryAt(later(1800))),
                Some("no successful delivery since 2026-03-20T14:30:00+00:00"),
            ),
        },
        Case {
            name: "a hook failing for just under the unpublish period stays published",
            given: retrying(2, hours_ago(119)),
            when: vec![error()],
            jitter: 0.5,
            then: settled(
                0,
                &[3],
                waiting(3, later(1800), hours_ago(119)),
                failed(0, 3, Next::RetryAt(later(1800))),
                None,
            ),
        },
        Case {
            name: "an exhausted delivery of a long-failing hook also unpublishes it",
            given: retrying(7, hours_ago(200)),
            when: vec![error()],
            jitter: 0.5,
            then: settled(
                0,
                &[8],
                gave_up(hours_ago(200)),
                failed(0, 8, Next::Exhausted),
                Some("no successful delivery since 2026-03-17T06:30:00+00:00"),
            ),
        },
    ]
}

#[test]
fn each_settlement_case_writes_what_the_policy_says() {
    let policy = Policy { retry_schedule: SCHEDULE, unpublish_after: chrono::Duration::hours(120) };
    for case in cases() {
        let last = case.when.len() - 1;
        let sent: Vec<Sent<'_>> = case
            .when
            .iter()
            .enumerate()
            .map(|(index, answer)| Sent { delivery_id: if index == last { FAILED_ID } else { "msg_ok" }, answer })
            .collect();
        let settled = settlement(&case.given, &sent, &policy, case.jitter, now());
        assert_eq!(settled, case.then, "{}", case.name);
    }
}

#[test]
fn given_several_in_flight_when_two_succeed_and_two_fail_then_the_first_failure_is_retried_and_the_hook_waits() {
    let (ok, error) = (answer(Some(200), None), answer(Some(500), None));
    // As a hook with several requests in flight hands them over: successes first, then failures.
    let sent = [
        Sent { delivery_id: "msg_a", answer: &ok },
        Sent { delivery_id: "msg_b", answer: &ok },
        Sent { delivery_id: FAILED_ID, answer: &error },
        Sent { delivery_id: "msg_d", answer: &error },
    ];
    let policy = Policy { retry_schedule: SCHEDULE, unpublish_after: chrono::Duration::hours(120) };

    let settlement = settlement(&HookState::default(), &sent, &policy, 0.5, now());

    assert_eq!(settlement.delivered, 2, "both successes leave the queue");
    assert_eq!(settlement.attempts, [1, 1, 1, 1]);
    assert_eq!(settlement.failed, failed(2, 1, Next::RetryAt(later(5))));
    assert_eq!(settlement.state.retrying.as_deref(), Some(FAILED_ID), "retried first, alone");
    assert_eq!(settlement.state.next_attempt_at, Some(later(5)), "the whole hook waits for it");
}
