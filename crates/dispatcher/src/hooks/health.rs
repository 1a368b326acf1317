//! The `health` field of hooks: last success, failing since, pending and failed counts, and why
//! dealflow unpublished the hook (if it did).

use std::collections::HashMap;

use domain::ids::HookId;
use eventlog::StorageError;
use rusqlite::Connection;

use super::model::{Health, Hook, mautic_date};
use crate::delivery::{queue, state};

/// The health of each hook.
pub fn of(conn: &Connection, hooks: &[Hook]) -> Result<HashMap<HookId, Health>, StorageError> {
    let mut health = HashMap::with_capacity(hooks.len());
    for hook in hooks {
        let (pending_count, failed_count) = queue::count(conn, hook.id)?;
        let state = state::state(conn, hook.id)?;
        let date = |micros: Option<i64>| micros.map(|m| mautic_date(eventlog::from_micros(m)));
        health.insert(
            hook.id,
            Health {
                last_success_at: date(state.last_success_at),
                failing_since: date(state.failing_since),
                pending_count,
                failed_count,
                unpublished_reason: hook.unpublished_reason.clone(),
            },
        );
    }
    Ok(health)
}
