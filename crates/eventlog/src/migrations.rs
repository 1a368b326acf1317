//! Applies numbered SQL files from `migrations/` (SQLite) and `migrations/postgres/` (the same
//! numbers in PostgreSQL's dialect) in order, each once, each in its own transaction. Every
//! crate names the files it owns; `serve` and `migrate` apply them all. Two processes starting
//! together apply each migration once: SQLite takes its write lock per migration, PostgreSQL a
//! session advisory lock around them all.

use crate::StorageError;
use crate::sql::{Db, Dialect, Optional};

/// One numbered SQL file, in both dialects.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    /// The SQLite text (`migrations/NNNN_name.sql`).
    pub sql: &'static str,
    /// The PostgreSQL text (`migrations/postgres/NNNN_name.sql`).
    pub postgres: &'static str,
}

impl Migration {
    fn text(&self, dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Sqlite => self.sql,
            Dialect::Postgres => self.postgres,
        }
    }
}

/// The event log's own tables.
pub const MIGRATIONS: &[Migration] =
    &[crate::migration!(1, "event_log", "0001_event_log.sql"), crate::migration!(15, "leases", "0015_leases.sql")];

/// The advisory lock key of PostgreSQL migrations: "dealflow" in ASCII.
const MIGRATION_LOCK: i64 = 0x6465_616c_666c_6f77;

const BOOKKEEPING_SQLITE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT";

const BOOKKEEPING_POSTGRES: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER     PRIMARY KEY,
    name       TEXT        NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)";

/// Applies the migrations the database lacks and answers how many it applied. Refuses a
/// database that holds a migration this build does not know.
pub fn apply(db: &Db<'_>, migrations: &[Migration]) -> Result<usize, StorageError> {
    if db.dialect() == Dialect::Sqlite {
        return apply_locked(db, migrations);
    }
    db.query_row("SELECT pg_advisory_lock(?1)::text", [MIGRATION_LOCK], |_| Ok(()))?;
    let applied = apply_locked(db, migrations);
    // Unlocked even after a failure; a lost connection releases it anyway.
    let unlocked = db.query_row("SELECT pg_advisory_unlock(?1)::text", [MIGRATION_LOCK], |_| Ok(()));
    let applied = applied?;
    unlocked?;
    Ok(applied)
}

fn apply_locked(db: &Db<'_>, migrations: &[Migration]) -> Result<usize, StorageError> {
    let mut sorted = migrations.to_vec();
    sorted.sort_by_key(|m| m.version);
    db.execute_batch(db.dialect().pick(BOOKKEEPING_SQLITE, BOOKKEEPING_POSTGRES))?;
    if let Some(unknown) = applied_versions(db)?.into_iter().find(|v| !sorted.iter().any(|m| m.version == *v)) {
        return Err(StorageError::NewerSchema(unknown));
    }
    let mut applied = 0;
    for migration in &sorted {
        // Immediate on SQLite: two processes starting together apply each migration once.
        db.control(db.dialect().pick("BEGIN IMMEDIATE", "BEGIN"))?;
        match apply_one(db, migration) {
            Ok(true) => {
                applied += 1;
                tracing::info!(version = migration.version, name = migration.name, "applied migration");
            }
            Ok(false) => {}
            Err(error) => {
                let _ = db.execute_batch("ROLLBACK");
                return Err(error);
            }
        }
        db.control("COMMIT")?;
    }
    Ok(applied)
}

/// Applies one migration inside the open transaction unless it is applied; answers whether it was.
fn apply_one(db: &Db<'_>, migration: &Migration) -> Result<bool, StorageError> {
    if is_applied(db, migration.version)? {
        return Ok(false);
    }
    let failed =
        |source| StorageError::Migration { version: migration.version, name: migration.name.to_owned(), source };
    db.execute_batch(migration.text(db.dialect())).map_err(failed)?;
    db.execute("INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)", (migration.version, migration.name))
        .map_err(failed)?;
    Ok(true)
}

/// The versions the database has applied, in order (its `schema_migrations` table must exist).
pub fn applied_versions(db: &Db<'_>) -> Result<Vec<u32>, StorageError> {
    let mut statement = db.prepare("SELECT version FROM schema_migrations ORDER BY version")?;
    let versions = statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(versions)
}

fn is_applied(db: &Db<'_>, version: u32) -> Result<bool, StorageError> {
    let found: Option<u32> =
        db.query_row("SELECT version FROM schema_migrations WHERE version = ?1", [version], |r| r.get(0)).optional()?;
    Ok(found.is_some())
}

/// The versions known to this build that the database has not applied yet.
pub fn pending(db: &Db<'_>, migrations: &[Migration]) -> Result<Vec<u32>, StorageError> {
    let applied = applied_versions(db)?;
    Ok(migrations.iter().map(|m| m.version).filter(|v| !applied.contains(v)).collect())
}

/// A [`Migration`] from its number, name and file: `migration!(3, "ingest", "0003_ingest.sql")`
/// reads `migrations/0003_ingest.sql` and `migrations/postgres/0003_ingest.sql` at build time
/// (the path is the calling crate's, which lives in `crates/`).
#[macro_export]
macro_rules! migration {
    ($version:literal, $name:literal, $file:literal) => {
        $crate::Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/", $file)),
            postgres: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/postgres/", $file)),
        }
    };
}
