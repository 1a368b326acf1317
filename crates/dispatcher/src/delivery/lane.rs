//! One hook's turn: claim deliveries under a lease, send them and settle them, until the queue
//! is empty or a delivery fails. An ordered hook (`maxInFlight` 1) sends them here, one after
//! another ([`super::send`]); settling a chunk and claiming the next share a write unit
//! ([`super::units`]). A failure stops the turn: with ASC a batch never goes out before the
//! previous one succeeded. A hook with more in flight hands its first chunk to a window of
//! requests ([`super::window`]).

use std::future::Future;
use std::pin::Pin;

use domain::ids::HookId;

use super::claim::Unclaimed;
use super::error::DeliveryError;
use super::send;
use super::units::{self, After, Follow, Settled};
use super::window;
use super::work::{Claimant, Context, Turn, Work};

type Settling<'a> = Pin<Box<dyn Future<Output = Result<Settled, DeliveryError>> + 'a>>;

/// One turn for one hook by `by`: at most `budget` events (for `dealflow dispatch --limit`).
/// Every claim of the turn reads the settings afresh.
pub async fn turn(context: &Context, hook: HookId, by: Claimant, budget: Option<usize>) -> Result<Turn, DeliveryError> {
    let mut current = match units::first_claim(context, hook, by, budget).await? {
        Ok(work) => work,
        Err(unclaimed) => return Ok(turn_of(unclaimed)),
    };
    if !current.hook.max_in_flight.is_ordered() {
        return window::turn(context, current, by, budget).await;
    }
    let (mut deliveries, mut events) = (0, 0);
    let mut settling: Option<Settling<'_>> = None;
    loop {
        let previous = async {
            match settling.take() {
                Some(settling) => settling.await.map(Some),
                None => Ok(None),
            }
        };
        let (sent, previous) = tokio::join!(send::send(context, &current), previous);
        let mut next = previous?.and_then(|settled| {
            deliveries += settled.delivered;
            settled.next
        });
        let all_sent = sent.len() == current.deliveries.len();
        let (arranged, answers) = send::arrange(current, sent);
        current = arranged;
        events += current
            .deliveries
            .iter()
            .zip(&answers)
            .filter(|(_, a)| a.succeeded())
            .map(|(d, _)| d.items.len())
            .sum::<usize>();
        let failed = answers.iter().any(|answer| !answer.succeeded());
        if failed || !all_sent {
            // What was claimed ahead is dropped: the next turn claims afresh, in order.
            let settled = units::settle_and_follow(context, current, answers, After::Release).await?;
            let deliveries = deliveries + settled.delivered;
            return Ok(if failed {
                Turn::Failed { delivered: deliveries, failure: settled.failure }
            } else {
                Turn::Delivered { deliveries, events }
            });
        }
        let claimed_ahead = next.as_ref().map_or(0, Work::events);
        let follow = Follow {
            by,
            budget: budget.map(|budget| budget.saturating_sub(events + claimed_ahead)),
            exclude: next.as_ref().map(Work::item_ids).unwrap_or_default(),
        };
        let settle = units::settle_and_follow(context, current, answers, After::Claim(follow));
        match next.take() {
            Some(work) => {
                current = work;
                settling = Some(Box::pin(settle));
            }
            None => {
                let settled = settle.await?;
                deliveries += settled.delivered;
                match settled.next {
                    Some(work) => current = work,
                    None => return Ok(Turn::Delivered { deliveries, events }),
                }
            }
        }
    }
}

/// The turn of a hook with nothing claimed.
fn turn_of(unclaimed: Unclaimed) -> Turn {
    match unclaimed {
        Unclaimed::Empty => Turn::Idle,
        Unclaimed::Held => Turn::Held,
        Unclaimed::NotDue(until) => Turn::Waiting { until },
        Unclaimed::Leased(until) => Turn::Leased { until },
    }
}
