//! Id sequences kept in memory by the writer thread and persisted once per group commit, instead
//! of one UPDATE per id. Allocations made by a unit that rolls back are undone with it; after a
//! failed commit, or when another process may have committed (SQLite's `data_version` moved; on
//! PostgreSQL, every batch), the values are read again from the table.

use std::collections::HashMap;

use crate::sql::{Db, Dialect, Optional, SqlError};

/// The writer's copy of the `sequences` table.
#[derive(Default)]
pub(crate) struct Sequences {
    values: HashMap<&'static str, u64>,
    /// (sequence, value before) for each allocation in this batch, to undo a unit's.
    undo: Vec<(&'static str, u64)>,
    data_version: Option<i64>,
}

impl Sequences {
    /// At the start of a batch: forgets everything if another connection committed since.
    pub(crate) fn begin(&mut self, conn: &Db<'_>) -> Result<(), SqlError> {
        // Other nodes write PostgreSQL's table between our batches: nothing cached can be trusted.
        let version = match conn.dialect() {
            Dialect::Sqlite => Some(conn.query_row("PRAGMA data_version", [], |row| row.get::<i64>(0))?),
            Dialect::Postgres => None,
        };
        if version.is_none() || self.data_version != version {
            self.values.clear();
            self.data_version = version;
        }
        self.undo.clear();
        Ok(())
    }

    /// The next value of a sequence.
    pub(crate) fn next(&mut self, conn: &Db<'_>, name: &'static str) -> Result<u64, SqlError> {
        let current = match self.values.get(name) {
            Some(value) => *value,
            None => conn
                .prepare_cached("SELECT value FROM sequences WHERE name = ?1")?
                .query_row([name], |row| row.get(0))
                .optional()?
                .unwrap_or(0),
        };
        self.undo.push((name, current));
        self.values.insert(name, current + 1);
        Ok(current + 1)
    }

    /// How many allocations there are so far (a unit's starting mark).
    pub(crate) fn mark(&self) -> usize {
        self.undo.len()
    }

    /// Undoes the allocations made after `mark` (a unit rolled back).
    pub(crate) fn undo_to(&mut self, mark: usize) {
        while self.undo.len() > mark {
            if let Some((name, before)) = self.undo.pop() {
                self.values.insert(name, before);
            }
        }
    }

    /// Writes the sequences this batch advanced, inside its transaction.
    pub(crate) fn persist(&mut self, conn: &Db<'_>) -> Result<(), SqlError> {
        let mut touched: Vec<&'static str> = self.undo.iter().map(|(name, _)| *name).collect();
        touched.sort_unstable();
        touched.dedup();
        for name in touched {
            let value = self.values.get(name).copied().unwrap_or(0);
            conn.prepare_cached(
                "INSERT INTO sequences (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            )?
            .execute((name, value))?;
        }
        Ok(())
    }

    /// After our own commit, SQLite's `data_version` is unchanged for this connection; after a
    /// failed one, nothing in memory can be trusted.
    pub(crate) fn forget(&mut self) {
        self.values.clear();
        self.data_version = None;
    }
}
