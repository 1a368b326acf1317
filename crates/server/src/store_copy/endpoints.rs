//! The two ends of a copy. The source is opened as it is, never created, migrated or written
//! (SQLite `query_only`, PostgreSQL read-only transactions); the target is created if it is a
//! missing SQLite file (private to its owner, as `serve` creates one) and migrated to this
//! build's schema. A PostgreSQL target database must exist.

use anyhow::Context;
use eventlog::{Database, DirectConnection};

use super::{plan, rows, schema};

/// Opens the source and checks that this build can copy it: its schema is this build's, and
/// every table it has is in the plan.
pub fn open_source(database: &Database) -> anyhow::Result<DirectConnection> {
    if let Some(path) = database.sqlite_path()
        && !path.exists()
    {
        let shown = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        anyhow::bail!("there is no database at {}: --from must name an existing store", shown.display());
    }
    let mut conn = DirectConnection::open_existing(database)
        .with_context(|| format!("cannot open the source {}", database.redacted()))?;
    let db = conn.db();
    db.execute_batch(db.dialect().pick("PRAGMA query_only = ON", "SET default_transaction_read_only = on"))?;
    let tables = rows::tables(&db)?;
    schema::check(&db, &tables).with_context(|| format!("cannot copy the source {}", database.redacted()))?;
    refuse_unplanned(&tables)?;
    drop(db);
    Ok(conn)
}

/// Opens the target, creating a missing SQLite file, and applies every migration.
pub fn open_target(database: &Database) -> anyhow::Result<DirectConnection> {
    if let Some(path) = database.sqlite_path() {
        crate::database::create_private(path)?;
    }
    let mut conn = DirectConnection::open_existing(database).with_context(|| {
        format!("cannot open the target {} (a PostgreSQL database must be created first)", database.redacted())
    })?;
    let db = conn.db();
    eventlog::migrations::apply(&db, &crate::migrations::all())
        .with_context(|| format!("cannot migrate the target {}", database.redacted()))?;
    refuse_unplanned(&rows::tables(&db)?)?;
    drop(db);
    Ok(conn)
}

/// Refuses to copy from a store into itself.
pub fn refuse_same(from: &Database, to: &Database) -> anyhow::Result<()> {
    let same = match (from, to) {
        (Database::Sqlite(a), Database::Sqlite(b)) => {
            a == b || (std::fs::canonicalize(a).ok().is_some_and(|a| std::fs::canonicalize(b).ok() == Some(a)))
        }
        (a, b) => a == b,
    };
    anyhow::ensure!(!same, "--from and --to name the same store {}; copy into another database", to.redacted());
    Ok(())
}

fn refuse_unplanned(tables: &[String]) -> anyhow::Result<()> {
    let unplanned = plan::unplanned(tables);
    anyhow::ensure!(
        unplanned.is_empty(),
        "the store has tables this build does not know how to copy: {}",
        unplanned.join(", ")
    );
    Ok(())
}
