//! The write units of a turn: the first claim, and settling sends together with claiming the
//! next deliveries, so that a busy hook costs one write per chunk. Each unit computes the pure
//! [`settlement`], writes it, claims, and gives the lease back once nothing is claimed or in
//! flight.

use std::collections::HashSet;

use domain::ids::HookId;
use rand::Rng;

use super::claim::{self, Claimed, Unclaimed, Wanted};
use super::client::Answer;
use super::error::DeliveryError;
use super::failure::Failure;
use super::settle::write_settlement;
use super::settlement::{Policy, Sent, settlement};
use super::state;
use super::work::{Claimant, Context, Work};

/// What settling came to.
pub struct Settled {
    /// Deliveries that succeeded.
    pub delivered: usize,
    /// The deliveries claimed next (none: nothing more, or not asked).
    pub next: Option<Work>,
    /// The delivery that failed, if one did (already logged).
    pub failure: Option<Failure>,
}

/// After a clean run: claim the next deliveries too.
pub struct Follow {
    /// Who claims (in queue mode a lane claims nothing more).
    pub by: Claimant,
    /// Events left to send (`dealflow dispatch --limit`).
    pub budget: Option<usize>,
    /// Items claimed ahead and not yet sent.
    pub exclude: HashSet<u64>,
}

/// The turn's first claim; the lease is given back when there is nothing to send.
pub async fn first_claim(
    context: &Context,
    hook: HookId,
    by: Claimant,
    budget: Option<usize>,
) -> Result<Claimed, DeliveryError> {
    let (owner, defaults, secrets) = (context.owner.clone(), context.defaults.clone(), context.secrets.clone());
    context
        .log
        .write(move |tx| {
            let now = tx.recorded_at();
            let exclude = HashSet::new();
            let claimed = claim::claim(
                tx,
                &Wanted { hook, by, owner: &owner, defaults: &defaults, secrets: &secrets, budget, exclude: &exclude },
                now,
            )?;
            if matches!(claimed, Err(Unclaimed::Empty | Unclaimed::Held)) {
                state::release_lease(tx.sql(), hook, &owner)?;
            }
            Ok::<_, DeliveryError>(claimed)
        })
        .await
}

/// Stores what the sends came to and, when asked to `follow` (and the budget allows), claims the
/// next deliveries. The lease is given back once nothing is claimed or in flight.
pub async fn settle_and_follow(
    context: &Context,
    work: Work,
    answers: Vec<Answer>,
    follow: Option<Follow>,
) -> Result<Settled, DeliveryError> {
    record_metrics(&answers);
    let (owner, defaults, unpublish_after) = (context.owner.clone(), context.defaults.clone(), context.unpublish_after);
    let secrets = context.secrets.clone();
    let jitter = rand::thread_rng().gen_range(0.0..1.0);
    let settled = context
        .log
        .write(move |tx| {
            let now = tx.recorded_at();
            let hook = work.hook.id;
            let sent: Vec<Sent<'_>> = work
                .deliveries
                .iter()
                .zip(&answers)
                .map(|(delivery, answer)| Sent { delivery_id: &delivery.id, answer })
                .collect();
            let policy = Policy { retry_schedule: &work.settings.retry_schedule, unpublish_after };
            let settlement = settlement(&work.state, &sent, &policy, jitter, now);
            let failure = write_settlement(tx, &secrets, &work, &answers, &settlement, now)?;
            let follow = follow.filter(|follow| follow.budget != Some(0));
            let next = match &follow {
                Some(Follow { by, budget, exclude }) => {
                    let wanted = Wanted {
                        hook,
                        by: *by,
                        owner: &owner,
                        defaults: &defaults,
                        secrets: &secrets,
                        budget: *budget,
                        exclude,
                    };
                    claim::claim(tx, &wanted, now)?.ok()
                }
                None => None,
            };
            if next.is_none() && follow.is_none_or(|follow| follow.exclude.is_empty()) {
                state::release_lease(tx.sql(), hook, &owner)?;
            }
            Ok::<_, DeliveryError>(Settled { delivered: settlement.delivered, next, failure })
        })
        .await?;
    // Logged once the outcome is durable: a write unit may run again.
    if let Some(failure) = &settled.failure {
        failure.log();
    }
    Ok(settled)
}

fn record_metrics(answers: &[Answer]) {
    for answer in answers {
        let outcome = if answer.succeeded() { "success" } else { "failure" };
        metrics::counter!("dealflow_deliveries_total", "outcome" => outcome).increment(1);
        metrics::histogram!("dealflow_delivery_duration_seconds").record(answer.runtime.as_secs_f64());
    }
}
