//! Sending a turn's claimed deliveries: in order, one after another, stopping at the first
//! failure (`maxInFlight` 1); or up to `maxInFlight` at once, starting no new request once one
//! has failed, so that a failing hook backs off as a whole. Either way at the hook's
//! `rateLimit`, and no request starts that could outlast the lease.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::StreamExt;

use super::client::Answer;
use super::pacer::Limiter;
use super::payload;
use super::work::{Context, Delivery, Work};

/// Slack kept between the last send's timeout and the end of the lease.
const LEASE_SLACK: Duration = Duration::from_secs(1);

/// The deliveries sent, each by its index in `work.deliveries`, in the order answered.
pub type Sent = Vec<(usize, Answer)>;

/// Sends `work`'s deliveries as the hook's `maxInFlight` says; those not sent (after a failure,
/// or near the lease's end) are claimed again later.
pub async fn send(context: &Context, work: &Work) -> Sent {
    let limiter = context.pacers.limiter(work.hook.id, work.hook.rate_limit);
    let limiter = limiter.as_ref();
    if work.hook.max_in_flight.is_ordered() {
        return send_in_order(context, work, limiter).await;
    }
    let failed = AtomicBool::new(false);
    let failed = &failed;
    let sends = work.deliveries.iter().enumerate().map(|(index, delivery)| async move {
        if failed.load(Ordering::Relaxed) {
            return None;
        }
        let answer = send_one(context, work, delivery, limiter).await?;
        if !answer.succeeded() {
            failed.store(true, Ordering::Relaxed);
        }
        Some((index, answer))
    });
    let sent = futures::stream::iter(sends).buffer_unordered(work.hook.max_in_flight.get());
    sent.filter_map(std::future::ready).collect().await
}

/// One after another until one fails.
async fn send_in_order(context: &Context, work: &Work, limiter: Option<&Limiter>) -> Sent {
    let mut sent = Vec::with_capacity(work.deliveries.len());
    for (index, delivery) in work.deliveries.iter().enumerate() {
        let Some(answer) = send_one(context, work, delivery, limiter).await else { break };
        let failed = !answer.succeeded();
        sent.push((index, answer));
        if failed {
            break;
        }
    }
    sent
}

/// Waits for the hook's rate, then sends `delivery` — unless it could outlast the lease.
async fn send_one(context: &Context, work: &Work, delivery: &Delivery, limiter: Option<&Limiter>) -> Option<Answer> {
    if let Some(limiter) = limiter {
        limiter.until_ready().await;
    }
    let timeout = Duration::from_secs(work.settings.timeout);
    if Instant::now() + timeout + LEASE_SLACK > work.lease_until {
        return None;
    }
    let body = payload::body(work.hook.payload_format, &delivery.items);
    Some(context.sender.send(&work.hook, &delivery.id, body, timeout, Utc::now()).await)
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
