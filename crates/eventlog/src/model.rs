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

/// An event about to be appended. Its data and metadata are serialised by the caller, so the
/// single writer thread only inserts text; they are valid JSON objects by construction, which is
/// why the table needs no JSON check.
#[derive(Clone, Debug)]
pub struct NewEvent {
    event_id: Uuid,
    event_type: String,
    schema: u32,
    data: String,
    metadata: String,
}

/// Event data or metadata that is not a JSON object.
#[derive(Debug, thiserror::Error)]
#[error("event {field} must be a JSON object: {reason}")]
pub struct InvalidEvent {
    field: &'static str,
    reason: String,
}

impl NewEvent {
    /// A domain event with a fresh UUID v7.
    pub fn from_domain(event: &DomainEvent, metadata: &Metadata) -> Result<Self, serde_json::Error> {
        Self::from_domain_all(std::slice::from_ref(event), metadata).map(|mut events| events.remove(0))
    }

    /// Several domain events sharing one metadata (serialised once), each with its own id.
    pub fn from_domain_all(events: &[DomainEvent], metadata: &Metadata) -> Result<Vec<Self>, serde_json::Error> {
        let metadata = serde_json::to_string(metadata)?;
        events
            .iter()
            .map(|event| {
                Ok(Self {
                    event_id: Uuid::now_v7(),
                    event_type: event.event_type().to_owned(),
                    schema: event.schema(),
                    data: event.encode_data()?,
                    metadata: metadata.clone(),
                })
            })
            .collect()
    }

    /// An event of any type from JSON text, checked to be JSON objects.
    pub fn raw(
        event_id: Uuid,
        event_type: &str,
        schema: u32,
        data: String,
        metadata: String,
    ) -> Result<Self, InvalidEvent> {
        for (field, text) in [("data", &data), ("metadata", &metadata)] {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(serde_json::Value::Object(_)) => {}
                Ok(_) => return Err(InvalidEvent { field, reason: "not an object".into() }),
                Err(error) => return Err(InvalidEvent { field, reason: error.to_string() }),
            }
        }
        Ok(Self { event_id, event_type: event_type.to_owned(), schema, data, metadata })
    }

    /// The event's id.
    pub fn event_id(&self) -> Uuid {
        self.event_id
    }

    pub(crate) fn columns(&self) -> (&str, u32, &str, &str) {
        (&self.event_type, self.schema, &self.data, &self.metadata)
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
    /// The metadata's JSON text (see [`RecordedEvent::metadata`]); most readers only pass it on.
    pub metadata_json: String,
    pub recorded_at: DateTime<Utc>,
}

impl RecordedEvent {
    /// The domain event, upcast to the current schema.
    pub fn decode(&self) -> Result<DomainEvent, domain::events::DecodeError> {
        DomainEvent::decode(&self.event_type, self.schema, &self.data)
    }

    /// The metadata, parsed.
    pub fn metadata(&self) -> Result<Metadata, serde_json::Error> {
        serde_json::from_str(&self.metadata_json)
    }

    /// What folds need besides the data.
    pub fn context(&self) -> Result<EventContext, serde_json::Error> {
        Ok(EventContext { version: self.version, recorded_at: self.recorded_at, actor: self.metadata()?.actor })
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
