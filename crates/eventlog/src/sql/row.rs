//! One row of a query: columns by index, read through [`FromSql`].

use super::pg_types::PgCell;
use super::{FromSql, SqlError};

/// A row of either backend.
pub struct Row<'r> {
    inner: Inner<'r>,
}

enum Inner<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
}

impl<'r> Row<'r> {
    pub(crate) fn sqlite(row: &'r rusqlite::Row<'r>) -> Self {
        Self { inner: Inner::Sqlite(row) }
    }

    pub(crate) fn postgres(row: &'r postgres::Row) -> Self {
        Self { inner: Inner::Postgres(row) }
    }

    /// How many columns the row has.
    pub fn column_count(&self) -> usize {
        match &self.inner {
            Inner::Sqlite(row) => row.as_ref().column_count(),
            Inner::Postgres(row) => row.len(),
        }
    }

    /// Column `index` (from 0) as a `T`.
    pub fn get<T: FromSql>(&self, index: usize) -> Result<T, SqlError> {
        match &self.inner {
            Inner::Sqlite(row) => T::from_sql(super::sqlite::value_ref(row.get_ref(index)?)),
            Inner::Postgres(row) => {
                if index >= row.len() {
                    return Err(SqlError::NoColumn(index));
                }
                let PgCell(value) = row.try_get(index)?;
                T::from_sql(value.as_ref())
            }
        }
    }
}

impl std::fmt::Debug for Row<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Row")
    }
}
