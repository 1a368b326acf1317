//! Given a hook's window of requests, when a step ends, then the plan says how many requests to
//! start and which write unit runs next.

use super::*;

/// Eight in flight, a chunk of 256 being sent and nothing claimed ahead yet.
fn sending() -> View {
    View {
        size: 8,
        in_flight: 8,
        unstarted: 200,
        chunks: 1,
        answered: 0,
        newest_started: true,
        stopped: false,
        claims: Claims::Open,
        retrying: false,
    }
}

#[test]
fn given_an_answer_when_requests_wait_then_one_starts_in_its_place() {
    let view = View { in_flight: 7, ..sending() };

    assert_eq!(starts(&view), 1);
}

#[test]
fn given_a_window_with_room_when_few_requests_wait_then_only_those_start() {
    let view = View { in_flight: 2, unstarted: 3, ..sending() };

    assert_eq!(starts(&view), 3);
}

#[test]
fn given_a_failed_request_when_the_window_has_room_then_nothing_new_starts() {
    let view = View { in_flight: 3, stopped: true, ..sending() };

    assert_eq!(starts(&view), 0);
    assert_eq!(next_step(&view), Step::Wait, "the others' answers are awaited");
}

#[test]
fn given_a_chunk_that_started_sending_when_nothing_is_claimed_ahead_then_the_next_is_claimed() {
    assert_eq!(next_step(&sending()), Step::ClaimAhead);
}

#[test]
fn given_a_chunk_claimed_ahead_and_not_started_when_nothing_is_answered_then_nothing_is_claimed() {
    let view = View { chunks: 2, newest_started: false, ..sending() };

    assert_eq!(next_step(&view), Step::Wait);
}

#[test]
fn given_a_retried_delivery_in_flight_when_it_is_not_settled_then_nothing_is_claimed_ahead() {
    let view = View { in_flight: 1, unstarted: 0, retrying: true, ..sending() };

    assert_eq!(next_step(&view), Step::Wait);
}

#[test]
fn given_a_retried_delivery_answered_when_it_is_settled_then_the_same_unit_claims_the_next() {
    let view = View { in_flight: 0, unstarted: 0, answered: 1, retrying: true, ..sending() };

    assert_eq!(next_step(&view), Step::Settle { chunks: 1, then: Then::Claim });
}

#[test]
fn given_a_claim_that_found_nothing_when_nothing_is_answered_then_no_claim_runs_on_its_own() {
    let view = View { claims: Claims::Drained, ..sending() };

    assert_eq!(next_step(&view), Step::Wait);
}

#[test]
fn given_an_answered_chunk_after_an_empty_claim_when_it_is_settled_then_the_unit_claims_again() {
    let view = View { in_flight: 0, unstarted: 0, answered: 1, claims: Claims::Drained, ..sending() };

    assert_eq!(next_step(&view), Step::Settle { chunks: 1, then: Then::Claim });
}

#[test]
fn given_answered_chunks_before_one_being_sent_when_they_are_settled_then_they_go_as_one() {
    let view = View { chunks: 3, answered: 2, ..sending() };

    assert_eq!(next_step(&view), Step::Settle { chunks: 2, then: Then::Claim });
}

#[test]
fn given_a_chunk_ahead_not_started_when_the_front_is_settled_then_the_lease_is_kept() {
    let view = View { chunks: 2, answered: 1, newest_started: false, ..sending() };

    assert_eq!(next_step(&view), Step::Settle { chunks: 1, then: Then::Hold });
}

#[test]
fn given_a_spent_budget_when_the_last_chunk_is_settled_then_the_lease_is_given_back() {
    let view = View { in_flight: 0, unstarted: 0, answered: 1, claims: Claims::Closed, ..sending() };

    assert_eq!(next_step(&view), Step::Settle { chunks: 1, then: Then::Release });
}

#[test]
fn given_a_spent_budget_when_other_chunks_are_still_sent_then_the_lease_is_kept() {
    let view = View { chunks: 2, answered: 1, claims: Claims::Closed, ..sending() };

    assert_eq!(next_step(&view), Step::Settle { chunks: 1, then: Then::Hold });
}

#[test]
fn given_a_stop_when_every_request_is_answered_then_the_turn_finishes() {
    let view = View { in_flight: 0, chunks: 2, answered: 1, stopped: true, ..sending() };

    assert_eq!(next_step(&view), Step::Finish);
}

#[test]
fn given_nothing_held_when_a_step_ends_then_the_turn_is_done() {
    let view = View { in_flight: 0, unstarted: 0, chunks: 0, claims: Claims::Drained, ..sending() };

    assert_eq!(next_step(&view), Step::Done);
}
