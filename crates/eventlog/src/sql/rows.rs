//! A query's rows, stepped through one at a time (as rusqlite's `Rows`).

use super::SqlError;
use super::row::Row;

/// The rows of one query.
pub struct Rows<'s> {
    inner: Inner<'s>,
}

enum Inner<'s> {
    Sqlite(rusqlite::Rows<'s>),
    // The postgres client reads a query's rows in full before answering.
    Postgres { rows: Vec<postgres::Row>, next: usize },
}

impl<'s> Rows<'s> {
    pub(crate) fn sqlite(rows: rusqlite::Rows<'s>) -> Self {
        Self { inner: Inner::Sqlite(rows) }
    }

    pub(crate) fn postgres(rows: Vec<postgres::Row>) -> Self {
        Self { inner: Inner::Postgres { rows, next: 0 } }
    }

    /// The next row, or `None` after the last.
    #[allow(clippy::should_implement_trait)] // rows borrow from the cursor, which Iterator cannot say
    pub fn next(&mut self) -> Result<Option<Row<'_>>, SqlError> {
        match &mut self.inner {
            Inner::Sqlite(rows) => Ok(rows.next()?.map(Row::sqlite)),
            Inner::Postgres { rows, next } => {
                let row = rows.get(*next);
                *next += 1;
                Ok(row.map(Row::postgres))
            }
        }
    }
}
