//! What a hook's window of requests does next (`maxInFlight` > 1): how many requests to start,
//! and which write unit to run — settle the chunks whose requests were all answered (claiming
//! the next chunk in the same unit), claim ahead on its own, or finish the turn. Pure: the lane
//! (`window.rs`) describes its window and does what [`next_step`] answers.
//!
//! The window refills as each request is answered, across chunk boundaries: a chunk is claimed
//! ahead as soon as every chunk held has started sending, so a slow request never holds the
//! others back. Chunks are settled in the order claimed, so the hook's state passes from one
//! settlement to the next; after a failure the rest of the turn is settled as one.

/// Whether the turn may claim more deliveries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claims {
    /// The last claim found deliveries: a claim may run on its own.
    Open,
    /// The last claim found none: claim again only together with a settle (items come as events
    /// are matched, and claims of their own would only keep the writer busy).
    Drained,
    /// Claim nothing more: the budget is spent, or the queue mode holds the hook's items.
    Closed,
}

/// The window, between two steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    /// The hook's `maxInFlight`.
    pub size: usize,
    /// Requests sent and not answered yet.
    pub in_flight: usize,
    /// Claimed deliveries not started yet.
    pub unstarted: usize,
    /// Claimed chunks not settled yet.
    pub chunks: usize,
    /// Chunks at the front whose every delivery was sent and answered.
    pub answered: usize,
    /// The newest chunk held has started sending (no claimed chunk waits unused).
    pub newest_started: bool,
    /// A request failed, or the next one could outlast the lease: nothing new starts.
    pub stopped: bool,
    pub claims: Claims,
    /// The turn's first chunk retries a delivery and is not settled: a claim now would pick that
    /// delivery again.
    pub retrying: bool,
}

/// The write unit to run next (at most one runs at a time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing to write now: wait for an answer or for the unit running.
    Wait,
    /// Settle the first `chunks` chunks as one, then do `then`.
    Settle { chunks: usize, then: Then },
    /// Claim the next chunk, leaving out what is held.
    ClaimAhead,
    /// Every request is answered after a stop: settle everything held as one and give the
    /// lease back.
    Finish,
    /// Nothing held, nothing to claim: the turn is over.
    Done,
}

/// What a settle unit does once the settlement is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Then {
    /// Claim the next chunk (the lease is given back if there is none and nothing else is held).
    Claim,
    /// Keep the lease: other chunks are still being sent.
    Hold,
    /// Give the lease back: nothing is held any more.
    Release,
}

/// How many requests to start now: none after a stop, else as many as the window has room for.
pub fn starts(view: &View) -> usize {
    if view.stopped { 0 } else { view.size.saturating_sub(view.in_flight).min(view.unstarted) }
}

/// The write unit to run next, when none is running.
pub fn next_step(view: &View) -> Step {
    if view.chunks == 0 {
        return Step::Done;
    }
    if view.stopped {
        return if view.in_flight == 0 { Step::Finish } else { Step::Wait };
    }
    let wants_claim = view.claims != Claims::Closed && view.newest_started;
    if view.answered > 0 {
        // A settle always takes the front chunk, so a retried delivery is settled before its claim.
        let then = if wants_claim {
            Then::Claim
        } else if view.chunks > view.answered {
            Then::Hold
        } else {
            Then::Release
        };
        return Step::Settle { chunks: view.answered, then };
    }
    if wants_claim && view.claims == Claims::Open && !view.retrying { Step::ClaimAhead } else { Step::Wait }
}

#[cfg(test)]
#[path = "window_plan_tests.rs"]
mod tests;
