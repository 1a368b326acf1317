//! Where a group commit starts and ends, the one place the writer's dialects differ.
//!
//! - SQLite: `BEGIN IMMEDIATE` takes the database's write lock; the head is read under it.
//! - PostgreSQL: the batch locks the `log_head` row (`FOR UPDATE`), the one serialised append
//!   point shared by every process, and holds it until COMMIT, so positions are handed out in
//!   commit order. COMMIT moves the row and notifies listeners in other processes
//!   (`pg_notify`, delivered only if the transaction commits).

use crate::StorageError;
use crate::reader;
use crate::sql::{Db, Dialect};

/// The channel commit notifications go out on.
pub(crate) const CHANNEL: &str = "dealflow_log";

/// What a batch finds when it takes the append point.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Start {
    /// The last position committed by any process.
    pub head: u64,
    /// The last event's time (PostgreSQL keeps it so that time rises with position across
    /// processes; SQLite's one writer keeps its own clock).
    pub last_recorded_at: i64,
}

/// Opens the batch's transaction and takes the append point.
pub(crate) fn begin(db: &Db<'_>) -> Result<Start, StorageError> {
    match db.dialect() {
        Dialect::Sqlite => {
            db.control("BEGIN IMMEDIATE")?;
            Ok(Start { head: reader::head(db)?, last_recorded_at: 0 })
        }
        Dialect::Postgres => {
            db.control("BEGIN")?;
            let (head, last_recorded_at) =
                db.query_row("SELECT position, recorded_at FROM log_head FOR UPDATE", [], |row| {
                    Ok((row.get::<u64>(0)?, row.get::<i64>(1)?))
                })?;
            Ok(Start { head, last_recorded_at })
        }
    }
}

/// Moves the append point to `head` and commits.
pub(crate) fn commit(db: &Db<'_>, start: Start, head: u64, recorded_at: i64) -> Result<(), StorageError> {
    if db.dialect() == Dialect::Postgres && head > start.head {
        db.query_row(
            "WITH moved AS (UPDATE log_head SET position = ?1, recorded_at = ?2) SELECT pg_notify(?3, ?4)",
            (head, recorded_at, CHANNEL, head.to_string()),
            |_| Ok(()),
        )?;
    }
    db.control("COMMIT")?;
    Ok(())
}

/// Rolls the batch back; a failure here leaves nothing to do but report the first error.
pub(crate) fn roll_back(db: &Db<'_>) {
    let _ = db.execute_batch("ROLLBACK");
}
