//! Why the delivery engine could not do its work: its own error, not the API's refusal.

use domain::ids::HookId;
use eventlog::{AppendError, StorageError};

/// A failure of the engine (matching, claiming, settling, dispatching). A receiver's failure is
/// not one: it is settled and reported.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// `dealflow dispatch --hook-id N` named a hook that does not exist.
    #[error("hook {0} does not exist")]
    UnknownHook(HookId),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Recording that the engine unpublished a hook failed.
    #[error(transparent)]
    Append(#[from] AppendError),
}

impl From<eventlog::sql::SqlError> for DeliveryError {
    fn from(error: eventlog::sql::SqlError) -> Self {
        Self::Storage(error.into())
    }
}
