//! Errors of the log, one per kind of operation.

/// The storage failed (I/O, a corrupt file, a writer that stopped). Never the caller's fault.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {}", crate::sql::postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    #[error("{0}")]
    Sql(#[from] crate::sql::SqlError),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("stored JSON is unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration { version: u32, name: String, source: crate::sql::SqlError },
    #[error("the database was migrated by a newer dealflow (it has migration {0}, unknown to this build)")]
    NewerSchema(u32),
    #[error("the writer thread has stopped")]
    WriterStopped,
    #[error("a write unit panicked; its changes were rolled back")]
    UnitPanicked,
    #[error("a stored event cannot be read: {0}")]
    Undecodable(#[from] domain::events::DecodeError),
    #[error("the group commit failed, nothing of this batch was stored: {0}")]
    CommitFailed(String),
}

/// Why an append was refused; nothing of it was stored.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("stream {stream} is at version {actual:?}, not the expected {expected:?}")]
    Conflict { stream: String, expected: crate::ExpectedVersion, actual: Option<u64> },
    #[error("event {0} is already stored, but not with the rest of this append")]
    PartialRepeat(uuid::Uuid),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<rusqlite::Error> for AppendError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Storage(error.into())
    }
}

impl From<crate::sql::SqlError> for AppendError {
    fn from(error: crate::sql::SqlError) -> Self {
        Self::Storage(error.into())
    }
}

impl From<postgres::Error> for AppendError {
    fn from(error: postgres::Error) -> Self {
        Self::Storage(error.into())
    }
}
