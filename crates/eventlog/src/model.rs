//! What goes into the log and what comes out of it.

use chrono::{DateTime, Utc};
use domain::{DomainEvent, EventContext, Metadata};
use uuid::Uuid;

/// The version a stream must be at for an append to succeed (as in EventStoreDB).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// No check: for high-traffic streams such as a source's `inbound.received` records.
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream's last event must have exactly this version.
    Exact(u64),
}

impl ExpectedVersion {
    /// The expectation for a stream last seen at `version` (`None`: not yet created).
    pub fn from_current(version: Option<u64>) -> Self {
        version.map_or(Self::NoStream, Self::Exact)
    }

    /// Whether a stream at `current` satisfies this expectation.
    pub fn admits(self, current: Option<u64>) -> bool {
        match self {
            Self::Any => true,
            Self::NoStream => current.is_none(),
            Self::Exact(expected) => current == Some(expected),
        }
    }
}

/// An event about to be appended; data and metadata are serialised by the caller, so the
/// single writer thread only inserts text.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub schema: u32,
    pub data: String,
    pub metadata: String,
}

impl NewEvent {
    /// A domain event with a fresh UUID v7.
    pub fn from_domain(event: &DomainEvent, metadata: &Metadata) -> Result<Self, serde_json::Error> {
        Ok(Self {
            event_id: Uuid::now_v7(),
            event_type: event.event_type().to_owned(),
            schema: event.schema(),
            data: event.encode_data()?,
            metadata: serde_json::to_string(metadata)?,
        })
    }

    /// Several domain events sharing one metadata, each with its own id.
    pub fn from_domain_all(events: &[DomainEvent], metadata: &Metadata) -> Result<Vec<Self>, serde_json::Error> {
        events.iter().map(|event| Self::from_domain(event, metadata)).collect()
    }
}

/// An event as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedEvent {
    /// Global order: 1, 2, 3 … with no gaps.
    pub position: u64,
    pub event_id: Uuid,
    pub stream: String,
    /// Order within the stream: 1, 2, 3 …
    pub version: u64,
    pub event_type: String,
    pub schema: u32,
    /// JSON text in the event's stored schema.
    pub data: String,
    pub metadata: Metadata,
    pub recorded_at: DateTime<Utc>,
}

impl RecordedEvent {
    /// The domain event, upcast to the current schema.
    pub fn decode(&self) -> Result<DomainEvent, domain::events::DecodeError> {
        DomainEvent::decode(&self.event_type, self.schema, &self.data)
    }

    /// What folds need besides the data.
    pub fn context(&self) -> EventContext {
        EventContext { version: self.version, recorded_at: self.recorded_at, actor: self.metadata.actor.clone() }
    }
}

/// The result of a successful append.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// Position of the first event appended (or found, for a repeat); `None` for no events.
    pub first_position: Option<u64>,
    /// Position of the last event appended (or found).
    pub last_position: Option<u64>,
    /// The stream's version after the append.
    pub stream_version: Option<u64>,
    /// True when the events were already stored and nothing was written.
    pub duplicate: bool,
}

/// Which events `read_all` returns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Stored types to keep; `deal.*` keeps every type starting with `deal.`. Empty keeps all.
    pub types: Vec<String>,
    /// Keep only this stream.
    pub stream: Option<String>,
    /// Keep events recorded at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Keep events recorded before this instant.
    pub until: Option<DateTime<Utc>>,
}
