//! The writer's own connection on either backend. A PostgreSQL session that was lost (a
//! restarted server, a network failure) is opened again for the next batch.

use postgres::Config;

use crate::StorageError;
use crate::sql::{Db, PgConn};

/// The writer thread's connection.
pub(crate) enum Session {
    Sqlite(rusqlite::Connection),
    Postgres { config: Box<Config>, conn: Option<Box<PgConn>> },
}

impl Session {
    /// The connection for the next batch, reconnecting to PostgreSQL when needed.
    pub(crate) fn db(&mut self) -> Result<Db<'_>, StorageError> {
        match self {
            Session::Sqlite(conn) => Ok(Db::sqlite(conn)),
            Session::Postgres { config, conn } => {
                if conn.as_ref().is_none_or(|conn| conn.is_closed()) {
                    *conn = Some(Box::new(PgConn::connect(config)?));
                }
                match conn {
                    Some(conn) => Ok(Db::postgres(conn)),
                    None => Err(StorageError::WriterStopped),
                }
            }
        }
    }
}
