//! What went wrong in a statement, on either backend.

use super::ValueRef;

/// A failed statement or an unreadable value. Never the caller's fault.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    #[error("the query returned no rows")]
    NoRows,
    #[error("column {0} is out of range")]
    NoColumn(usize),
    #[error("{0} is out of the range a column holds")]
    OutOfRange(String),
    #[error("expected {expected}, found {found}")]
    WrongClass { expected: &'static str, found: &'static str },
    #[error("a stored value is unreadable: {0}")]
    Invalid(String),
}

/// The server's own words (severity, message, detail, hint) where the client's Display says only
/// "db error".
pub(crate) fn postgres_message(error: &postgres::Error) -> String {
    let Some(db) = error.as_db_error() else { return error.to_string() };
    let mut message = format!("{}: {}", db.severity(), db.message());
    for (label, part) in [("detail", db.detail()), ("hint", db.hint())] {
        if let Some(part) = part {
            message.push_str(&format!(" ({label}: {part})"));
        }
    }
    message
}

impl SqlError {
    pub(crate) fn wrong_class(expected: &'static str, found: ValueRef<'_>) -> Self {
        let found = match found {
            ValueRef::Null => "NULL",
            ValueRef::Integer(_) => "an integer",
            ValueRef::Real(_) => "a real number",
            ValueRef::Text(_) => "text",
            ValueRef::Blob(_) => "a blob",
        };
        Self::WrongClass { expected, found }
    }

    /// Whether a UNIQUE or PRIMARY KEY constraint refused the statement; `on` (a column or
    /// constraint name) narrows it to one constraint when given.
    pub fn is_unique_violation(&self, on: Option<&str>) -> bool {
        let (unique, message) = match self {
            SqlError::Sqlite(rusqlite::Error::SqliteFailure(failure, message)) => (
                failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY,
                message.clone().unwrap_or_default(),
            ),
            SqlError::Postgres(error) => (
                error.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
                error.as_db_error().and_then(|e| e.constraint()).unwrap_or_default().to_owned(),
            ),
            _ => return false,
        };
        unique && on.is_none_or(|name| message.contains(name))
    }

    /// Whether the statement found no row where one was required.
    pub fn is_no_rows(&self) -> bool {
        matches!(self, SqlError::NoRows | SqlError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
    }
}

/// `Result<T, SqlError>` to `Result<Option<T>, SqlError>`: no row is `None`.
pub trait Optional<T> {
    fn optional(self) -> Result<Option<T>, SqlError>;
}

impl<T> Optional<T> for Result<T, SqlError> {
    fn optional(self) -> Result<Option<T>, SqlError> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.is_no_rows() => Ok(None),
            Err(error) => Err(error),
        }
    }
}
