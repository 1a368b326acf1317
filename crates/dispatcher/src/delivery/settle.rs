//! Settling a turn in one write unit: delivered items leave the queue, every attempt is logged,
//! and a failure schedules the retry, marks an exhausted delivery failed, or unpublishes the hook.

use api::CommandError;
use chrono::{DateTime, Utc};
use domain::ids::HookId;
use eventlog::Transaction;
use rand::Rng;

use super::attempts::{self, Attempt};
use super::client::Answer;
use super::lane::{Context, Turn, Work};
use super::queue;
use super::schedule::{parse_retry_after, retry_delay};
use super::state::{self, HookState};
use crate::hooks::commands;

/// Stores what the sends of a turn came to.
pub async fn settle(context: &Context, work: Work, answers: Vec<Answer>) -> Result<Turn, CommandError> {
    record_metrics(&answers);
    let (owner, unpublish_after) = (context.owner.clone(), context.unpublish_after);
    let unit = rand::thread_rng().gen_range(0.0..1.0);
    context
        .log
        .write(move |tx| {
            let now = tx.recorded_at();
            let turn = store_outcome(tx, &work, &answers, unit, unpublish_after, now)?;
            state::release_lease(tx.sql(), work.hook.id, &owner)?;
            Ok(turn)
        })
        .await
}

fn store_outcome(
    tx: &mut Transaction<'_>,
    work: &Work,
    answers: &[Answer],
    unit: f64,
    unpublish_after: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<Turn, CommandError> {
    let hook = work.hook.id;
    let conn = tx.sql();
    let mut delivered = 0;
    let mut events = 0;
    for (index, (delivery, answer)) in work.deliveries.iter().zip(answers).enumerate() {
        let attempt = if index == 0 { work.state.attempt + 1 } else { 1 };
        attempts::record(conn, &attempt_of(hook, delivery, attempt, answer, now))?;
        if answer.succeeded() {
            queue::delete_items(conn, &item_ids(&delivery.items))?;
            delivered += 1;
            events += delivery.items.len();
        }
    }
    let unsent: Vec<u64> = work.deliveries.iter().skip(answers.len()).flat_map(|d| item_ids(&d.items)).collect();
    queue::unassign(conn, &unsent)?;
    attempts::trim_log(conn, hook, work.settings.log_max)?;
    let mut next = work.state.clone();
    if delivered > 0 {
        next = HookState {
            attempt: 0,
            next_attempt_at: None,
            last_success_at: Some(now.timestamp_micros()),
            failing_since: None,
        };
    }
    let failure = answers.last().filter(|answer| !answer.succeeded());
    let Some(answer) = failure else {
        state::save_state(conn, hook, &next)?;
        return Ok(Turn::Delivered { deliveries: delivered, events });
    };
    let failed = &work.deliveries[answers.len() - 1];
    let failing_since = next.failing_since.unwrap_or(now.timestamp_micros());
    next.failing_since = Some(failing_since);
    if answer.status == Some(410) {
        // Gone: no retry; the delivery waits, as it was, for the hook to be published again.
        state::save_state(conn, hook, &next)?;
        unpublish(tx, hook, format!("the receiver answered 410 Gone on {}", now.to_rfc3339()))?;
        return Ok(Turn::Failed { delivered });
    }
    let failures = if delivered == 0 { work.state.attempt + 1 } else { 1 };
    let retry_after = answer.retry_after.as_deref().and_then(|value| parse_retry_after(value, now));
    match retry_delay(&work.settings.retry_schedule, failures, unit, retry_after) {
        Some(delay) => {
            next.attempt = failures;
            next.next_attempt_at =
                Some((now + chrono::Duration::from_std(delay).unwrap_or_default()).timestamp_micros());
        }
        None => {
            // Exhausted: the events are kept as failed (listed, redeliverable) and the queue moves on.
            queue::fail_items(conn, &item_ids(&failed.items))?;
            metrics::counter!("dealflow_deliveries_total", "outcome" => "exhausted").increment(1);
            next.attempt = 0;
            next.next_attempt_at = None;
        }
    }
    state::save_state(conn, hook, &next)?;
    let since = eventlog::from_micros(failing_since);
    if now - since >= unpublish_after {
        unpublish(tx, hook, format!("no successful delivery since {}", since.to_rfc3339()))?;
    }
    Ok(Turn::Failed { delivered })
}

fn unpublish(tx: &mut Transaction<'_>, hook: HookId, reason: String) -> Result<(), CommandError> {
    if commands::unpublish(tx, hook, reason.clone())? {
        tracing::warn!(hook = %hook, %reason, "unpublished a hook");
    }
    Ok(())
}

fn item_ids(items: &[queue::Item]) -> Vec<u64> {
    items.iter().map(|item| item.id).collect()
}

fn attempt_of(
    hook: HookId,
    delivery: &super::lane::Delivery,
    attempt: u32,
    answer: &Answer,
    now: DateTime<Utc>,
) -> Attempt {
    Attempt {
        hook_id: hook,
        delivery_id: delivery.id.clone(),
        event_ids: delivery.items.iter().map(|item| item.event_id.clone()).collect(),
        attempt,
        status_code: answer.status,
        runtime_ms: answer.runtime.as_millis() as u64,
        note: answer.note.clone(),
        is_test: false,
        at: now,
    }
}

fn record_metrics(answers: &[Answer]) {
    for answer in answers {
        let outcome = if answer.succeeded() { "success" } else { "failure" };
        metrics::counter!("dealflow_deliveries_total", "outcome" => outcome).increment(1);
        metrics::histogram!("dealflow_delivery_duration_seconds").record(answer.runtime.as_secs_f64());
    }
}
