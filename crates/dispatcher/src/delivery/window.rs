//! A hook's turn with a window of up to `maxInFlight` (> 1) requests: a new request starts as
//! soon as one is answered, across the chunks claimed under the hook's lease; none starts once
//! one failed (the hook backs off as a whole) or once one could outlast the lease. Chunks are
//! settled in the order claimed, by the same pure settlement as an ordered hook, each from the
//! state the one before stored; at most one write unit runs at a time. What to start and which
//! unit to run is decided by [`super::window_plan`].

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use super::client::Answer;
use super::error::DeliveryError;
use super::payload;
use super::send::{self, Ticket};
use super::state::HookState;
use super::units::{self, After, Follow, Settled};
use super::window_chunks::{Chunk, Chunks, merge};
use super::window_plan::{self, Claims, Step, Then, View};
use super::work::{Claimant, Context, Turn, Work};

/// One request's answer (none: not sent, it could have outlasted the lease).
struct Flight {
    chunk: u64,
    index: usize,
    answer: Option<Answer>,
}

/// What a write unit came to.
enum Unit {
    Settled { settled: Settled, events: usize, claimed: bool },
    Claimed(Option<Work>),
}

type Running<'a> = Pin<Box<dyn Future<Output = Result<Unit, DeliveryError>> + 'a>>;

/// The turn of a hook with `maxInFlight` > 1, from its first claimed chunk `first`.
pub async fn turn(context: &Context, first: Work, by: Claimant, budget: Option<usize>) -> Result<Turn, DeliveryError> {
    let mut window = Window::new(context, first, by, budget);
    let mut flights = FuturesUnordered::new();
    let mut running: Option<Running<'_>> = None;
    loop {
        for _ in 0..window_plan::starts(&window.view(flights.len())) {
            flights.extend(window.start_next());
        }
        if running.is_none() {
            running = match window_plan::next_step(&window.view(flights.len())) {
                Step::Wait => None,
                Step::Settle { chunks, then } => Some(window.settle(chunks, then)),
                Step::ClaimAhead => Some(window.claim_ahead()),
                Step::Finish => return window.finish().await,
                Step::Done => return Ok(Turn::Delivered { deliveries: window.deliveries, events: window.events }),
            };
        }
        let unit_running = running.is_some();
        let unit = async {
            match running.as_mut() {
                Some(unit) => unit.await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some(flight) = flights.next(), if !flights.is_empty() => window.answered(flight),
            done = unit, if unit_running => {
                running = None;
                window.apply(done?);
            }
            // Not reached: a waiting window always has a request or a unit under way.
            else => return window.finish().await,
        }
    }
}

/// The turn's window: the chunks held, what was decided, and the tallies.
struct Window<'a> {
    context: &'a Context,
    by: Claimant,
    budget: Option<usize>,
    size: usize,
    chunks: Chunks,
    claims: Claims,
    /// A request failed, or one could have outlasted the lease.
    stopped: bool,
    failed: bool,
    /// The first chunk retries a delivery and is not settled yet.
    retrying: bool,
    /// Events claimed in the turn (against the budget).
    claimed: usize,
    /// The hook's state the next settlement starts from.
    state: HookState,
    /// The latest lease taken.
    lease_until: Instant,
    deliveries: usize,
    events: usize,
}

impl<'a> Window<'a> {
    fn new(context: &'a Context, first: Work, by: Claimant, budget: Option<usize>) -> Self {
        let retrying = matches!(&first.deliveries[..], [only] if first.state.retrying.as_ref() == Some(&only.id));
        let mut window = Self {
            context,
            by,
            budget,
            size: first.hook.max_in_flight.get(),
            chunks: Chunks::default(),
            claims: Claims::Open,
            stopped: false,
            failed: false,
            retrying,
            claimed: 0,
            state: first.state.clone(),
            lease_until: first.lease_until,
            deliveries: 0,
            events: 0,
        };
        window.hold(first);
        window
    }

    fn view(&self, in_flight: usize) -> View {
        View {
            size: self.size,
            in_flight,
            unstarted: self.chunks.iter().map(Chunk::unstarted).sum(),
            chunks: self.chunks.len(),
            answered: self.chunks.answered(),
            newest_started: self.chunks.newest().is_none_or(|chunk| chunk.started > 0),
            stopped: self.stopped,
            claims: self.claims,
            retrying: self.retrying,
        }
    }

    /// Holds a chunk just claimed; once the budget is spent, claims nothing more.
    fn hold(&mut self, work: Work) {
        self.claimed += work.events();
        self.lease_until = self.lease_until.max(work.lease_until);
        self.chunks.push(Chunk::claimed(self.context, work));
        self.claims = if self.budget_left() == Some(0) { Claims::Closed } else { Claims::Open };
    }

    fn budget_left(&self) -> Option<usize> {
        self.budget.map(|budget| budget.saturating_sub(self.claimed))
    }

    fn follow(&self) -> Follow {
        Follow { by: self.by, budget: self.budget_left(), exclude: self.chunks.item_ids() }
    }

    /// The next request, ready to be polled.
    fn start_next(&mut self) -> Option<impl Future<Output = Flight> + 'a> {
        let lease_until = self.lease_until;
        let (chunk, entry) = self.chunks.next_to_start()?;
        let index = entry.start_next()?;
        let delivery = entry.work.deliveries.get(index)?;
        let ticket = Ticket {
            hook: entry.hook.clone(),
            delivery_id: delivery.id.clone(),
            body: payload::body(entry.hook.payload_format, &delivery.items),
            timeout: Duration::from_secs(entry.work.settings.timeout),
            lease_until,
            limiter: entry.limiter.clone(),
        };
        let context = self.context;
        Some(async move { Flight { chunk, index, answer: send::send_ticket(context, ticket).await } })
    }

    fn answered(&mut self, flight: Flight) {
        let Some(chunk) = self.chunks.get_mut(flight.chunk) else { return };
        chunk.in_flight -= 1;
        match flight.answer {
            Some(answer) => {
                if !answer.succeeded() {
                    (self.stopped, self.failed) = (true, true);
                }
                chunk.sent.push((flight.index, answer));
            }
            None => self.stopped = true,
        }
    }

    /// Settles the first `count` chunks as one, then does `then`.
    fn settle(&mut self, count: usize, then: Then) -> Running<'a> {
        let merged = merge(self.chunks.take_front(count), self.state.clone());
        let after = match then {
            Then::Claim => After::Claim(self.follow()),
            Then::Hold => After::Hold,
            Then::Release => After::Release,
        };
        let (context, claimed) = (self.context, matches!(then, Then::Claim));
        Box::pin(async move {
            let Some(merged) = merged else { return Ok(Unit::Claimed(None)) };
            let settled = units::settle_and_follow(context, merged.work, merged.answers, after).await?;
            Ok(Unit::Settled { settled, events: merged.events, claimed })
        })
    }

    fn claim_ahead(&self) -> Running<'a> {
        let (context, follow) = (self.context, self.follow());
        let hook = self.chunks.iter().next().map(|chunk| chunk.work.hook.id);
        Box::pin(async move {
            let Some(hook) = hook else { return Ok(Unit::Claimed(None)) };
            Ok(Unit::Claimed(units::claim_ahead(context, hook, follow).await?))
        })
    }

    fn apply(&mut self, unit: Unit) {
        let next = match unit {
            Unit::Settled { settled, events, claimed } => {
                (self.deliveries, self.events) = (self.deliveries + settled.delivered, self.events + events);
                self.state = settled.state;
                self.retrying = false;
                if !claimed {
                    return;
                }
                settled.next
            }
            Unit::Claimed(next) => next,
        };
        match next {
            Some(work) => self.hold(work),
            None if self.claims == Claims::Open => self.claims = Claims::Drained,
            None => {}
        }
    }

    /// Settles everything held as one once every request is answered, and gives the lease back.
    async fn finish(mut self) -> Result<Turn, DeliveryError> {
        let count = self.chunks.len();
        if let Some(merged) = merge(self.chunks.take_front(count), self.state.clone()) {
            let settled = units::settle_and_follow(self.context, merged.work, merged.answers, After::Release).await?;
            (self.deliveries, self.events) = (self.deliveries + settled.delivered, self.events + merged.events);
            if self.failed {
                return Ok(Turn::Failed { delivered: self.deliveries, failure: settled.failure });
            }
        }
        Ok(Turn::Delivered { deliveries: self.deliveries, events: self.events })
    }
}
