//! Applies the PostgreSQL dialect's numbered SQL files (`migrations/postgres/`, numbered as the
//! SQLite ones they port) in order, each once, each in its own transaction, all under one
//! session advisory lock: two nodes starting together take turns, and the second finds the
//! work done.

use postgres::Client;

use crate::{Migration, StorageError};

/// The event log's own tables.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "event_log",
    sql: include_str!("../../../../migrations/postgres/0001_event_log.sql"),
}];

/// The advisory lock key of migrations: "dealflow" in ASCII.
const MIGRATION_LOCK: i64 = 0x6465_616c_666c_6f77;

const BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER     PRIMARY KEY,
    name       TEXT        NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)";

/// Applies the migrations the database lacks and answers how many it applied. Refuses a
/// database that holds a migration this build does not know.
pub fn apply(client: &mut Client, migrations: &[Migration]) -> Result<usize, StorageError> {
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let applied = apply_locked(client, migrations);
    // Unlocked even after a failure; a lost connection releases it anyway.
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    let applied = applied?;
    unlocked?;
    Ok(applied)
}

fn apply_locked(client: &mut Client, migrations: &[Migration]) -> Result<usize, StorageError> {
    let mut sorted = migrations.to_vec();
    sorted.sort_by_key(|m| m.version);
    client.batch_execute(BOOKKEEPING)?;
    let applied_versions = applied_versions(client)?;
    if let Some(unknown) = applied_versions.iter().find(|v| !sorted.iter().any(|m| m.version == **v)) {
        return Err(StorageError::NewerSchema(*unknown));
    }
    let mut applied = 0;
    for migration in sorted.iter().filter(|m| !applied_versions.contains(&m.version)) {
        let failed = |source| StorageError::PostgresMigration {
            version: migration.version,
            name: migration.name.to_owned(),
            source,
        };
        let mut tx = client.transaction()?;
        tx.batch_execute(migration.sql).map_err(failed)?;
        let version = i32::try_from(migration.version).unwrap_or(i32::MAX);
        tx.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", &[&version, &migration.name])
            .map_err(failed)?;
        tx.commit()?;
        applied += 1;
        tracing::info!(version = migration.version, name = migration.name, "applied PostgreSQL migration");
    }
    Ok(applied)
}

fn applied_versions(client: &mut Client) -> Result<Vec<u32>, StorageError> {
    let rows = client.query("SELECT version FROM schema_migrations ORDER BY version", &[])?;
    rows.iter().map(|row| Ok(u32::try_from(row.try_get::<_, i32>(0)?).unwrap_or_default())).collect()
}
