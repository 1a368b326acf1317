//! The `health` field of hooks.

use std::collections::HashMap;

use domain::ids::HookId;
use eventlog::StorageError;
use rusqlite::Connection;

use super::model::{Health, Hook};

/// The health of each hook.
pub fn of(_conn: &Connection, hooks: &[Hook]) -> Result<HashMap<HookId, Health>, StorageError> {
    Ok(hooks
        .iter()
        .map(|hook| (hook.id, Health { unpublished_reason: hook.unpublished_reason.clone(), ..Health::default() }))
        .collect())
}
