//! What a fold needs to know about a stored event besides its data.

use chrono::{DateTime, Utc};

use crate::metadata::Actor;

/// The stored facts of one event that folds use: its place in its stream, when it was
/// recorded, and who caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventContext {
    /// The event's version within its stream.
    pub version: u64,
    /// When the event was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who caused it.
    pub actor: Actor,
}
