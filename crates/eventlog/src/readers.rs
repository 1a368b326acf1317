//! The pool of read connections, on either backend. A read gets a [`Db`] for its closure.

use r2d2_sqlite::SqliteConnectionManager;

use crate::StorageError;
use crate::pg::off_runtime;
use crate::sql::{Db, PgManager};

/// Pooled read connections.
pub(crate) enum Readers {
    Sqlite(r2d2::Pool<SqliteConnectionManager>),
    /// `None` once dropped (see [`Drop`] below).
    Postgres(Option<r2d2::Pool<PgManager>>),
}

impl Readers {
    /// Runs `read` on a pooled connection. PostgreSQL's synchronous client must not run on an
    /// async thread, so its reads run off the runtime.
    pub(crate) fn read<T, E, F>(&self, read: F) -> Result<T, E>
    where
        F: FnOnce(&Db<'_>) -> Result<T, E> + Send,
        T: Send,
        E: From<StorageError> + Send,
    {
        match self {
            Readers::Sqlite(pool) => {
                let conn = pool.get().map_err(StorageError::from)?;
                read(&Db::sqlite(&conn))
            }
            Readers::Postgres(Some(pool)) => off_runtime(|| {
                let mut conn = pool.get().map_err(StorageError::from)?;
                read(&Db::postgres(&mut conn))
            }),
            Readers::Postgres(None) => Err(StorageError::WriterStopped.into()),
        }
    }
}

impl Drop for Readers {
    fn drop(&mut self) {
        // Pooled PostgreSQL clients close their connections on drop, which must happen off async threads.
        if let Readers::Postgres(pool) = self
            && let Some(pool) = pool.take()
        {
            off_runtime(move || drop(pool));
        }
    }
}
