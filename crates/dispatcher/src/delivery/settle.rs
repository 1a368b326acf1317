//! Settling sends in one write unit: delivered items leave the queue, every attempt is logged,
//! and a failure schedules the retry, marks an exhausted delivery failed, or unpublishes the hook.
//! After a clean run the same unit claims the hook's next deliveries, so that a busy hook costs
//! one write per chunk.

use api::CommandError;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use domain::secrets::SecretBox;
use eventlog::Transaction;
use rand::Rng;

use super::attempts::{self, Attempt};
use super::claim::{self, Claimant, Wanted};
use super::client::Answer;
use super::failure::{Failure, Next};
use super::queue;
use super::schedule::{parse_retry_after, retry_delay};
use super::state::{self, HookState};
use super::work::{Context, Work};
use crate::hooks::commands;

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

/// Stores what the sends came to and, when asked to `follow` (and the budget allows), claims the
/// next deliveries. The lease is given back once nothing is claimed or in flight.
pub async fn settle(
    context: &Context,
    work: Work,
    answers: Vec<Answer>,
    follow: Option<Follow>,
) -> Result<Settled, CommandError> {
    record_metrics(&answers);
    let (owner, defaults, unpublish_after) = (context.owner.clone(), context.defaults.clone(), context.unpublish_after);
    let secrets = context.secrets.clone();
    let unit = rand::thread_rng().gen_range(0.0..1.0);
    let settled = context
        .log
        .write(move |tx| {
            let now = tx.recorded_at();
            let hook = work.hook.id;
            let (delivered, failure) = store_outcome(tx, &secrets, &work, &answers, unit, unpublish_after, now)?;
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
            Ok::<_, CommandError>(Settled { delivered, next, failure })
        })
        .await?;
    // Logged once the outcome is durable: a write unit may run again.
    if let Some(failure) = &settled.failure {
        failure.log();
    }
    Ok(settled)
}

fn store_outcome(
    tx: &mut Transaction<'_>,
    secrets: &SecretBox,
    work: &Work,
    answers: &[Answer],
    unit: f64,
    unpublish_after: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<(usize, Option<Failure>), CommandError> {
    let hook = work.hook.id;
    let conn = tx.sql();
    let mut delivered = 0;
    for (index, (delivery, answer)) in work.deliveries.iter().zip(answers).enumerate() {
        let attempt = if index == 0 { work.state.attempt + 1 } else { 1 };
        attempts::record(conn, &Attempt::answered(hook, &delivery.id, &delivery.items, attempt, answer, now))?;
        if answer.succeeded() {
            queue::delete_items(conn, &item_ids(&delivery.items))?;
            delivered += 1;
        }
    }
    attempts::trim_log(conn, hook, work.settings.log_max)?;
    let mut next = work.state.clone();
    if delivered > 0 {
        next = HookState {
            retrying: None,
            attempt: 0,
            next_attempt_at: None,
            last_success_at: Some(now.timestamp_micros()),
            failing_since: None,
        };
    }
    let failure = answers.last().filter(|answer| !answer.succeeded());
    let Some(answer) = failure else {
        state::save_state(conn, hook, &next)?;
        return Ok((delivered, None));
    };
    let attempt = if delivered == 0 { work.state.attempt + 1 } else { 1 };
    let failed = &work.deliveries[answers.len() - 1];
    // The failed delivery is retried first, as it was, under the same id.
    queue::assign(conn, &item_ids(&failed.items), &failed.id)?;
    next.retrying = Some(failed.id.clone());
    let failing_since = next.failing_since.unwrap_or(now.timestamp_micros());
    next.failing_since = Some(failing_since);
    if answer.status == Some(410) {
        // Gone: no retry; the delivery waits, as it was, for the hook to be published again.
        state::save_state(conn, hook, &next)?;
        unpublish(tx, secrets, hook, format!("the receiver answered 410 Gone on {}", now.to_rfc3339()))?;
        return Ok((delivered, Some(Failure::of(hook, &failed.id, attempt, answer, Next::Gone))));
    }
    let failures = attempt;
    let retry_after = answer.retry_after.as_deref().and_then(|value| parse_retry_after(value, now));
    let outcome = match retry_delay(&work.settings.retry_schedule, failures, unit, retry_after) {
        Some(delay) => {
            let at = now + chrono::Duration::from_std(delay).unwrap_or_default();
            next.attempt = failures;
            next.next_attempt_at = Some(at.timestamp_micros());
            Next::RetryAt(at)
        }
        None => {
            // Exhausted: the events are kept as failed (listed, redeliverable) and the queue moves on.
            queue::fail_items(conn, &item_ids(&failed.items), now)?;
            attempts::mark_exhausted(conn, hook, &failed.id, attempt)?;
            metrics::counter!("dealflow_deliveries_total", "outcome" => "exhausted").increment(1);
            next.retrying = None;
            next.attempt = 0;
            next.next_attempt_at = None;
            Next::Exhausted
        }
    };
    state::save_state(conn, hook, &next)?;
    let since = eventlog::from_micros(failing_since);
    if now - since >= unpublish_after {
        unpublish(tx, secrets, hook, format!("no successful delivery since {}", since.to_rfc3339()))?;
    }
    Ok((delivered, Some(Failure::of(hook, &failed.id, attempt, answer, outcome))))
}

fn unpublish(tx: &mut Transaction<'_>, secrets: &SecretBox, hook: HookId, reason: String) -> Result<(), CommandError> {
    if commands::unpublish(tx, secrets, hook, reason.clone())? {
        tracing::warn!(hook = %hook, %reason, "unpublished a hook");
    }
    Ok(())
}

fn item_ids(items: &[queue::Item]) -> Vec<u64> {
    items.iter().map(|item| item.id).collect()
}

fn record_metrics(answers: &[Answer]) {
    for answer in answers {
        let outcome = if answer.succeeded() { "success" } else { "failure" };
        metrics::counter!("dealflow_deliveries_total", "outcome" => outcome).increment(1);
        metrics::histogram!("dealflow_delivery_duration_seconds").record(answer.runtime.as_secs_f64());
    }
}
