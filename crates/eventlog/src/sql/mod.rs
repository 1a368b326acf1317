//! The SQL the stores write, on SQLite or PostgreSQL: one API ([`Db`], [`Row`], [`Params`],
//! [`ToSql`]/[`FromSql`]) and, where the dialects agree, one SQL text.
//!
//! - Statements are written with SQLite's `?N` markers; on PostgreSQL they are renumbered
//!   `$N` ([`placeholders`]) and prepared once per connection ([`PgConn`]).
//! - Values travel in SQLite's five storage classes ([`Value`]); on PostgreSQL a parameter
//!   takes the type the server inferred for it, and every column reads back as a class.
//! - Where the dialects differ, a store asks [`Db::dialect`] in one small place.

mod db;
mod error;
mod params;
mod pg_conn;
mod pg_types;
mod placeholders;
mod row;
mod rows;
mod sqlite;
mod value;

pub use db::{Db, Statement};
pub(crate) use error::postgres_message;
pub use error::{Optional, SqlError};
pub use params::{Params, params_from_iter};
pub use pg_conn::{PgConn, PgManager};
pub use row::Row;
pub use rows::Rows;
pub use value::{FromSql, ToSql, Value, ValueRef};

/// The SQL dialect of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The text for this dialect, where the two cannot share one.
    pub fn pick<'a>(self, sqlite: &'a str, postgres: &'a str) -> &'a str {
        match self {
            Dialect::Sqlite => sqlite,
            Dialect::Postgres => postgres,
        }
    }
}

/// The result of a statement.
pub type Result<T, E = SqlError> = std::result::Result<T, E>;
