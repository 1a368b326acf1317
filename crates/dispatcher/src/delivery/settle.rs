//! Writing a [`Settlement`] inside a write unit: every attempt is logged, delivered items leave
//! the queue, the failed delivery is kept for its retry (or its items kept as failed once its
//! retries are exhausted), the hook's state is stored, and the hook is unpublished when the
//! settlement says so. What to write was decided by [`super::settlement`].

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use domain::secrets::SecretBox;
use eventlog::Transaction;

use super::attempts::{self, Attempt};
use super::client::Answer;
use super::error::DeliveryError;
use super::failure::{Failure, Next};
use super::queue;
use super::settlement::Settlement;
use super::state;
use super::work::Work;
use crate::hooks::commands;

/// Writes `settlement`, the outcome of sending `work` and getting `answers`, at `now`; answers
/// the failure to report, if a delivery failed.
pub fn write_settlement(
    tx: &mut Transaction<'_>,
    secrets: &SecretBox,
    work: &Work,
    answers: &[Answer],
    settlement: &Settlement,
    now: DateTime<Utc>,
) -> Result<Option<Failure>, DeliveryError> {
    let hook = work.hook.id;
    let conn = tx.sql();
    let sent = work.deliveries.iter().zip(answers).zip(&settlement.attempts);
    for (index, ((delivery, answer), attempt)) in sent.enumerate() {
        attempts::record(conn, &Attempt::answered(hook, &delivery.id, &delivery.items, *attempt, answer, now))?;
        if index < settlement.delivered {
            queue::delete_items(conn, &item_ids(&delivery.items))?;
        }
    }
    attempts::trim_log(conn, hook, work.settings.log_max)?;
    let failure = match settlement.failed {
        Some(failed) => {
            let delivery = &work.deliveries[failed.index];
            let ids = item_ids(&delivery.items);
            // The failed delivery is retried first, as it was, under the same id.
            queue::assign(conn, &ids, &delivery.id)?;
            if failed.next == Next::Exhausted {
                // The events are kept as failed (listed, redeliverable) and the queue moves on.
                queue::fail_items(conn, &ids, now)?;
                attempts::mark_exhausted(conn, hook, &delivery.id, failed.attempt)?;
                metrics::counter!("dealflow_deliveries_total", "outcome" => "exhausted").increment(1);
            }
            Some(Failure::of(hook, &delivery.id, failed.attempt, &answers[failed.index], failed.next))
        }
        None => None,
    };
    state::save_state(conn, hook, &settlement.state)?;
    if let Some(reason) = &settlement.unpublish {
        unpublish(tx, secrets, hook, reason)?;
    }
    Ok(failure)
}

fn unpublish(tx: &mut Transaction<'_>, secrets: &SecretBox, hook: HookId, reason: &str) -> Result<(), DeliveryError> {
    if commands::unpublish(tx, secrets, hook, reason.to_owned())? {
        tracing::warn!(hook = %hook, %reason, "unpublished a hook");
    }
    Ok(())
}

fn item_ids(items: &[queue::Item]) -> Vec<u64> {
    items.iter().map(|item| item.id).collect()
}
