//! The `health` field of hooks, read from delivery's tables: last success, failing since,
//! pending and failed counts, and why dealflow unpublished the hook (if it did).

use std::collections::HashMap;

use domain::ids::HookId;
use eventlog::StorageError;
use rusqlite::Connection;

use super::{queue, state};
use crate::hooks::model::{Health, Hook, mautic_date};

/// The health of each hook.
pub fn of(conn: &Connection, hooks: &[Hook]) -> Result<HashMap<HookId, Health>, StorageError> {
    let mut health = HashMap::with_capacity(hooks.len());
    for hook in hooks {
        let (pending_count, failed_count) = queue::count(conn, hook.id)?;
        let state = state::state(conn, hook.id)?;
        health.insert(
            hook.id,
            Health {
                last_success_at: state.last_success_at.map(mautic_date),
                failing_since: state.failing_since.map(mautic_date),
                pending_count,
                failed_count,
                unpublished_reason: hook.unpublished_reason.clone(),
            },
        );
    }
    Ok(health)
}
