//! [`DirectConnection`]: one connection of a tool's own to a store, outside any
//! [`EventStore`](crate::EventStore)'s readers and writer, for commands that read or write a
//! whole store at once (`dealflow store copy`).

use rusqlite::OpenFlags;

use crate::StorageError;
use crate::connection::configure;
use crate::database::Database;
use crate::sql::{Db, PgConn, SqlError};

/// A connection to an existing SQLite file or PostgreSQL database. Synchronous: open and use
/// it off async threads (`spawn_blocking`), since PostgreSQL's client drives its own runtime.
pub struct DirectConnection {
    inner: Inner,
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Postgres(Box<PgConn>),
}

impl DirectConnection {
    /// Opens an existing database with the pragmas of every dealflow connection. A missing
    /// SQLite file is an error, never a new empty database; a PostgreSQL database must exist.
    /// Nothing is migrated.
    pub fn open_existing(database: &Database) -> Result<Self, StorageError> {
        let inner = match database {
            Database::Sqlite(path) => {
                let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = rusqlite::Connection::open_with_flags(path, flags)?;
                configure(&conn)?;
                Inner::Sqlite(conn)
            }
            Database::Postgres(url) => {
                let config: postgres::Config = url.parse().map_err(SqlError::from)?;
                Inner::Postgres(Box::new(PgConn::connect(&config)?))
            }
        };
        Ok(Self { inner })
    }

    /// The statement API over this connection.
    pub fn db(&mut self) -> Db<'_> {
        match &mut self.inner {
            Inner::Sqlite(conn) => Db::sqlite(conn),
            Inner::Postgres(conn) => Db::postgres(conn),
        }
    }
}
