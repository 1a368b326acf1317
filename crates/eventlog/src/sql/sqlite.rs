//! The five storage classes are SQLite's own: this maps them onto rusqlite's types.

use rusqlite::types::{ToSqlOutput, ValueRef as SqliteRef};

use super::ValueRef;

impl rusqlite::ToSql for ValueRef<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            ValueRef::Null => SqliteRef::Null,
            ValueRef::Integer(i) => SqliteRef::Integer(i),
            ValueRef::Real(r) => SqliteRef::Real(r),
            ValueRef::Text(t) => SqliteRef::Text(t.as_bytes()),
            ValueRef::Blob(b) => SqliteRef::Blob(b),
        }))
    }
}

/// A column as SQLite stored it; text that is not UTF-8 reads as a blob.
pub(crate) fn value_ref(value: SqliteRef<'_>) -> ValueRef<'_> {
    match value {
        SqliteRef::Null => ValueRef::Null,
        SqliteRef::Integer(i) => ValueRef::Integer(i),
        SqliteRef::Real(r) => ValueRef::Real(r),
        SqliteRef::Text(t) => std::str::from_utf8(t).map_or(ValueRef::Blob(t), ValueRef::Text),
        SqliteRef::Blob(b) => ValueRef::Blob(b),
    }
}
