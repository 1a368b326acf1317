//! The `health` field of hooks, read from delivery's tables: last success, failing since,
//! pending and failed counts, the oldest pending item's age, and why dealflow unpublished the
//! hook (if it did).

use std::collections::HashMap;

use chrono::Utc;
use domain::ids::HookId;
use eventlog::StorageError;
use eventlog::sql::Db;

use super::{backlog, queue, state};
use crate::hooks::model::{Health, Hook, mautic_date};

/// The health of each hook.
pub fn of(conn: &Db<'_>, hooks: &[Hook]) -> Result<HashMap<HookId, Health>, StorageError> {
    let mut health = HashMap::with_capacity(hooks.len());
    let now = Utc::now();
    for hook in hooks {
        let (_, failed_count) = queue::count(conn, hook.id)?;
        let backlog = backlog::of(conn, hook.id)?;
        let state = state::state(conn, hook.id)?;
        health.insert(
            hook.id,
            Health {
                last_success_at: state.last_success_at.map(mautic_date),
                failing_since: state.failing_since.map(mautic_date),
                pending_count: backlog.pending,
                oldest_pending_at: backlog.oldest_at.map(mautic_date),
                oldest_pending_seconds: backlog.oldest_age(now),
                failed_count,
                unpublished_reason: hook.unpublished_reason.clone(),
            },
        );
    }
    Ok(health)
}
