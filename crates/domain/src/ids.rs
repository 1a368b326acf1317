//! Integer ids of dealflow's entities and the names of their event streams.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! entity_id {
    ($(#[$doc:meta])* $name:ident, $category:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl $name {
            /// The stream category of this entity, e.g. `deal` in `deal-42`.
            pub const CATEGORY: &'static str = $category;

            /// The event stream that holds this entity's history.
            pub fn stream(self) -> StreamName {
                StreamName(format!("{}-{}", $category, self.0))
            }

            /// Reads the id back from a stream name of this entity's category.
            pub fn from_stream(stream: &str) -> Option<Self> {
                let rest = stream.strip_prefix($category)?.strip_prefix('-')?;
                rest.parse().ok().filter(|id| *id > 0).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.parse::<u64>() {
                    Ok(id) if (1..=MAX_ID).contains(&id) => Ok(Self(id)),
                    _ => Err(InvalidId),
                }
            }
        }
    };
}

/// The largest id: SQLite stores integers as signed 64-bit, so ids run from 1 to `i64::MAX`.
pub const MAX_ID: u64 = i64::MAX as u64;

/// An id that is not an integer from 1 to [`MAX_ID`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("ids are integers from 1 to 9223372036854775807")]
pub struct InvalidId;

entity_id!(/// A pipeline's id.
    PipelineId, "pipeline");
entity_id!(/// A stage's id; unique across pipelines.
    StageId, "stage");
entity_id!(/// A deal's id.
    DealId, "deal");
entity_id!(/// A contact's id.
    ContactId, "contact");
entity_id!(/// An inbound source's id.
    SourceId, "source");
entity_id!(/// An outbound hook's id.
    HookId, "hook");
entity_id!(/// A note's id; unique across deals.
    NoteId, "note");
entity_id!(/// A task's id; unique across deals.
    TaskId, "task");
entity_id!(/// A user's id.
    UserId, "user");

/// The name of an event stream, `<category>-<id>`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StreamName(pub String);

impl StreamName {
    /// The stream's name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The category before the first `-`, e.g. `deal`.
    pub fn category(&self) -> &str {
        self.0.split_once('-').map_or(self.0.as_str(), |(c, _)| c)
    }
}

impl fmt::Display for StreamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for StreamName {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// The sequences from which ids are allocated, in commit order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdKind {
    Pipeline,
    Stage,
    Deal,
    Contact,
    Source,
    Hook,
    Note,
    Task,
}

impl IdKind {
    /// The sequence's stored name.
    pub fn sequence(self) -> &'static str {
        match self {
            Self::Pipeline => PipelineId::CATEGORY,
            Self::Stage => StageId::CATEGORY,
            Self::Deal => DealId::CATEGORY,
            Self::Contact => ContactId::CATEGORY,
            Self::Source => SourceId::CATEGORY,
            Self::Hook => HookId::CATEGORY,
            Self::Note => NoteId::CATEGORY,
            Self::Task => TaskId::CATEGORY,
        }
    }
}

/// Hands out fresh ids while a decision is made (the event log's sequences in production,
/// a counter in tests).
pub trait IdAllocator {
    /// The next unused id of that kind.
    fn next_id(&mut self, kind: IdKind) -> u64;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_round_trip_through_ids() {
        let stream = DealId(42).stream();
        assert_eq!(stream.as_str(), "deal-42");
        assert_eq!(stream.category(), "deal");
        assert_eq!(DealId::from_stream("deal-42"), Some(DealId(42)));
        assert_eq!(DealId::from_stream("contact-42"), None);
        assert_eq!(DealId::from_stream("deal-0"), None);
        assert_eq!(DealId::from_stream("deal-x"), None);
    }

    #[test]
    fn ids_parse_only_positive_integers() {
        assert_eq!("7".parse::<HookId>(), Ok(HookId(7)));
        assert!("0".parse::<HookId>().is_err());
        assert!("-1".parse::<HookId>().is_err());
        assert!("abc".parse::<HookId>().is_err());
    }

    #[test]
    fn ids_stop_at_the_largest_sqlite_integer() {
        assert_eq!("9223372036854775807".parse::<DealId>(), Ok(DealId(MAX_ID)));
        assert!("9223372036854775808".parse::<DealId>().is_err());
        assert!("18446744073709551615".parse::<DealId>().is_err());
        assert!("18446744073709551616".parse::<DealId>().is_err());
    }
}
