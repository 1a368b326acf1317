//! Applies numbered SQL files from `migrations/` in order, each once, each in its own
//! transaction. Every crate names the files it owns; `serve` and `migrate` apply them all.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::StorageError;

/// One numbered SQL file.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The event log's own tables.
pub const MIGRATIONS: &[Migration] =
    &[Migration { version: 1, name: "event_log", sql: include_str!("../../../migrations/0001_event_log.sql") }];

const BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT";

/// Applies the migrations the database lacks and answers how many it applied. Refuses a
/// database that holds a migration this build does not know.
pub fn apply(conn: &mut Connection, migrations: &[Migration]) -> Result<usize, StorageError> {
    let mut sorted = migrations.to_vec();
    sorted.sort_by_key(|m| m.version);
    conn.execute_batch(BOOKKEEPING)?;
    if let Some(unknown) = applied_versions(conn)?.into_iter().find(|v| !sorted.iter().any(|m| m.version == *v)) {
        return Err(StorageError::NewerSchema(unknown));
    }
    let mut applied = 0;
    for migration in &sorted {
        // Immediate: two processes starting together apply each migration once.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !is_applied(&tx, migration.version)? {
            let failed = |source| StorageError::Migration {
                version: migration.version,
                name: migration.name.to_owned(),
                source,
            };
            tx.execute_batch(migration.sql).map_err(failed)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
                (migration.version, migration.name),
            )
            .map_err(failed)?;
            applied += 1;
            tracing::info!(version = migration.version, name = migration.name, "applied migration");
        }
        tx.commit()?;
    }
    Ok(applied)
}

fn applied_versions(conn: &Connection) -> Result<Vec<u32>, StorageError> {
    let mut statement = conn.prepare("SELECT version FROM schema_migrations ORDER BY version")?;
    let versions = statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(versions)
}

fn is_applied(conn: &Connection, version: u32) -> Result<bool, StorageError> {
    let found: Option<u32> = conn
        .query_row("SELECT version FROM schema_migrations WHERE version = ?1", [version], |r| r.get(0))
        .optional()?;
    Ok(found.is_some())
}

/// The versions known to this build that the database has not applied yet.
pub fn pending(conn: &Connection, migrations: &[Migration]) -> Result<Vec<u32>, StorageError> {
    let applied = applied_versions(conn)?;
    Ok(migrations.iter().map(|m| m.version).filter(|v| !applied.contains(v)).collect())
}
