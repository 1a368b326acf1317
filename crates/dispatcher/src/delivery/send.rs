//! Sending a turn's claimed deliveries, each at the hook's `rateLimit` and only while it cannot
//! outlast the lease. An ordered hook (`maxInFlight` 1) sends them here, one after another,
//! stopping at the first failure; a hook with more in flight sends through a window
//! (`window.rs`) that shares [`send_one`] and [`arrange`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::client::Answer;
use super::pacer::Limiter;
use super::payload;
use super::work::{Context, Delivery, Work};
use crate::hooks::Hook;

/// Slack kept between the last send's timeout and the end of the lease.
const LEASE_SLACK: Duration = Duration::from_secs(1);

/// The deliveries sent, each by its index in `work.deliveries`, in the order answered.
pub type Sent = Vec<(usize, Answer)>;

/// One request, ready to go.
pub struct Request<'a> {
    pub hook: &'a Hook,
    pub delivery_id: &'a str,
    /// The payload, as signed and sent.
    pub body: String,
    /// The receiver's time to answer.
    pub timeout: Duration,
    /// When the hook's lease runs out.
    pub lease_until: Instant,
    /// The hook's `rateLimit`, if it has one.
    pub limiter: Option<&'a Limiter>,
}

impl<'a> Request<'a> {
    /// The request for one of `work`'s deliveries.
    pub fn of(work: &'a Work, delivery: &'a Delivery, limiter: Option<&'a Limiter>) -> Self {
        Self {
            hook: &work.hook,
            delivery_id: &delivery.id,
            body: payload::body(work.hook.payload_format, &delivery.items),
            timeout: Duration::from_secs(work.settings.timeout),
            lease_until: work.lease_until,
            limiter,
        }
    }
}

/// A request that owns what it needs, so that a window can hold many while chunks come and go.
pub struct Ticket {
    pub hook: Arc<Hook>,
    pub delivery_id: String,
    pub body: String,
    pub timeout: Duration,
    pub lease_until: Instant,
    pub limiter: Option<Limiter>,
}

/// [`send_one`] for a [`Ticket`].
pub async fn send_ticket(context: &Context, ticket: Ticket) -> Option<Answer> {
    let Ticket { hook, delivery_id, body, timeout, lease_until, limiter } = ticket;
    let request =
        Request { hook: &hook, delivery_id: &delivery_id, body, timeout, lease_until, limiter: limiter.as_ref() };
    send_one(context, request).await
}

/// Sends `work`'s deliveries in order until one fails; those not sent (after a failure, or near
/// the lease's end) are claimed again later.
pub async fn send(context: &Context, work: &Work) -> Sent {
    let limiter = context.pacers.limiter(work.hook.id, work.hook.rate_limit);
    let mut sent = Vec::with_capacity(work.deliveries.len());
    for (index, delivery) in work.deliveries.iter().enumerate() {
        let Some(answer) = send_one(context, Request::of(work, delivery, limiter.as_ref())).await else { break };
        let failed = !answer.succeeded();
        sent.push((index, answer));
        if failed {
            break;
        }
    }
    sent
}

/// Waits for the hook's rate, then sends `request` — unless it could outlast the lease (none).
pub async fn send_one(context: &Context, request: Request<'_>) -> Option<Answer> {
    if let Some(limiter) = request.limiter {
        limiter.until_ready().await;
    }
    if Instant::now() + request.timeout + LEASE_SLACK > request.lease_until {
        return None;
    }
    Some(context.sender.send(request.hook, request.delivery_id, request.body, request.timeout, Utc::now()).await)
}

/// Puts `work`'s deliveries in the order the settlement reads them — the successes first (in
/// the order claimed), then the failures — with their answers; those not sent are left out
/// (they stay queued). In order (`maxInFlight` 1) that is the order sent.
pub fn arrange(mut work: Work, mut sent: Sent) -> (Work, Vec<Answer>) {
    sent.sort_by_key(|(index, answer)| (!answer.succeeded(), *index));
    let mut slots: Vec<Option<Delivery>> = work.deliveries.into_iter().map(Some).collect();
    let mut deliveries = Vec::with_capacity(sent.len());
    let mut answers = Vec::with_capacity(sent.len());
    for (index, answer) in sent {
        if let Some(delivery) = slots.get_mut(index).and_then(Option::take) {
            deliveries.push(delivery);
            answers.push(answer);
        }
    }
    work.deliveries = deliveries;
    (work, answers)
}
