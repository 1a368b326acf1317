//! Why a command was refused, mapped once to the spec's status codes; shared by every crate
//! whose write units refuse commands.

use crate::ApiError;
use domain::values::FieldErrors;
use eventlog::{AppendError, StorageError};

/// A refused or failed command; nothing of it was stored.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// 404: the entity does not exist (or was deleted).
    #[error("{0}")]
    NotFound(String),
    /// 422: the input is invalid, field by field.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// 409: the entity changed since the client read it (`If-Match`), or a unique value is taken.
    #[error("{0}")]
    Conflict(String),
    /// 500: the storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl CommandError {
    /// 422 about one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        Self::Invalid(errors)
    }
}

impl From<AppendError> for CommandError {
    fn from(error: AppendError) -> Self {
        match error {
            AppendError::Conflict { stream, actual, .. } => Self::Conflict(format!(
                "{stream} changed concurrently (it is now at version {}); read it again and retry",
                actual.unwrap_or(0)
            )),
            AppendError::PartialRepeat(id) => Self::Conflict(format!("event {id} was already stored")),
            AppendError::Storage(error) => Self::Storage(error),
        }
    }
}

impl From<eventlog::sql::SqlError> for CommandError {
    fn from(error: eventlog::sql::SqlError) -> Self {
        Self::Storage(error.into())
    }
}

impl From<serde_json::Error> for CommandError {
    fn from(error: serde_json::Error) -> Self {
        Self::Storage(error.into())
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::NotFound(message) => ApiError::not_found(message),
            CommandError::Invalid(errors) => ApiError::validation(errors),
            CommandError::Conflict(message) => ApiError::conflict(message),
            CommandError::Storage(error) => ApiError::internal_error(&error),
        }
    }
}
