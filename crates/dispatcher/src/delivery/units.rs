//! The write units of a turn: the first claim, settling sends together with claiming the next
//! deliveries (so that a busy hook costs one write per chunk), and a claim ahead on its own (for
//! a window of requests, `window.rs`). Each unit computes the pure [`settlement`], writes
//! it, claims, and gives the lease back once nothing is claimed or in flight.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use domain::secrets::SecretBox;
use eventlog::{StorageError, Transaction};
use rand::Rng;

use super::claim::{self, Claimed, Unclaimed, Wanted};
use super::client::Answer;
use super::error::DeliveryError;
use super::failure::Failure;
use super::settings::DeliverySettings;
use super::settle::write_settlement;
use super::settlement::{Policy, Sent, settlement};
use super::state::{self, HookState};
use super::work::{Claimant, Context, Work};

/// What settling came to.
pub struct Settled {
    /// Deliveries that succeeded.
    pub delivered: usize,
    /// The deliveries claimed next (none: nothing more, or not asked).
    pub next: Option<Work>,
    /// The delivery that failed, if one did (already logged).
    pub failure: Option<Failure>,
    /// The hook's state as stored: the next settlement of the turn starts from it.
    pub state: HookState,
}

/// What a settling unit does once the settlement is written.
pub enum After {
    /// Give the lease back: the turn ends.
    Release,
    /// Keep the lease: other deliveries of the turn are still being sent.
    Hold,
    /// Claim the next deliveries; the lease is given back if none are claimed and none held.
    Claim(Follow),
}

/// After a clean run: claim the next deliveries too.
pub struct Follow {
    /// Who claims (in queue mode a lane claims nothing more).
    pub by: Claimant,
    /// Events left to send (`dealflow dispatch --limit`).
    pub budget: Option<usize>,
    /// Items claimed and not yet settled (held by the turn): they are left out, and while there
    /// are any the lease is kept.
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

/// Stores what the sends came to, then does `after`: claims the next deliveries (when the
/// budget allows), keeps the lease, or gives it back.
pub async fn settle_and_follow(
    context: &Context,
    work: Work,
    answers: Vec<Answer>,
    after: After,
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
            let next = match after {
                After::Release => {
                    state::release_lease(tx.sql(), hook, &owner)?;
                    None
                }
                After::Hold => None,
                After::Claim(follow) => {
                    let claimer = Claimer { hook, owner: &owner, defaults: &defaults, secrets: &secrets };
                    claim_or_release(tx, &claimer, &follow, now)?
                }
            };
            let (delivered, state) = (settlement.delivered, settlement.state);
            Ok::<_, DeliveryError>(Settled { delivered, next, failure, state })
        })
        .await?;
    // Logged once the outcome is durable: a write unit may run again.
    if let Some(failure) = &settled.failure {
        failure.log();
    }
    Ok(settled)
}

/// Claims the next deliveries while others of the turn are still being sent (`follow.exclude`
/// names them); none when nothing is due.
pub async fn claim_ahead(context: &Context, hook: HookId, follow: Follow) -> Result<Option<Work>, DeliveryError> {
    let (owner, defaults, secrets) = (context.owner.clone(), context.defaults.clone(), context.secrets.clone());
    context
        .log
        .write(move |tx| {
            let now = tx.recorded_at();
            let claimer = Claimer { hook, owner: &owner, defaults: &defaults, secrets: &secrets };
            Ok::<_, DeliveryError>(claim_or_release(tx, &claimer, &follow, now)?)
        })
        .await
}

/// Who claims for which hook.
struct Claimer<'a> {
    hook: HookId,
    owner: &'a str,
    defaults: &'a DeliverySettings,
    secrets: &'a SecretBox,
}

/// Claims as `follow` says (nothing once the budget is spent); gives the lease back when nothing
/// is claimed and nothing is held.
fn claim_or_release(
    tx: &mut Transaction<'_>,
    claimer: &Claimer<'_>,
    follow: &Follow,
    now: DateTime<Utc>,
) -> Result<Option<Work>, StorageError> {
    let next = if follow.budget == Some(0) {
        None
    } else {
        let wanted = Wanted {
            hook: claimer.hook,
            by: follow.by,
            owner: claimer.owner,
            defaults: claimer.defaults,
            secrets: claimer.secrets,
            budget: follow.budget,
            exclude: &follow.exclude,
        };
        claim::claim(tx, &wanted, now)?.ok()
    };
    if next.is_none() && follow.exclude.is_empty() {
        state::release_lease(tx.sql(), claimer.hook, claimer.owner)?;
    }
    Ok(next)
}

fn record_metrics(answers: &[Answer]) {
    for answer in answers {
        let outcome = if answer.succeeded() { "success" } else { "failure" };
        metrics::counter!("dealflow_deliveries_total", "outcome" => outcome).increment(1);
        metrics::histogram!("dealflow_delivery_duration_seconds").record(answer.runtime.as_secs_f64());
    }
}
