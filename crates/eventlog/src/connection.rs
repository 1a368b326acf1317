//! How every dealflow SQLite connection is opened: busy timeout, statement cache, WAL and the
//! pragmas the log relies on. Used by the log's readers and writer and by the checkpointer.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::StorageError;

pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const STATEMENT_CACHE: usize = 256;

/// Opens a connection with the pragmas every dealflow connection uses.
pub fn open_connection(path: &Path) -> Result<Connection, StorageError> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    Ok(conn)
}

pub(crate) fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The writer runs the statements of every feature; at rusqlite's default of 16 cached
    // statements they evict each other and are parsed again and again.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // temp_store = MEMORY keeps the per-unit savepoint sub-journal off the disk.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
    )
}
