//! The analysts' view of the log (SPEC §10): events as stored, with old schemas upcast on read;
//! a deal's history; a deal as it was at an instant.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use domain::Actor;
use domain::deal::Deal;
use domain::events::{current_schema, upcast};
use domain::ids::DealId;
use eventlog::sql::Db;
use eventlog::{EventFilter, RecordedEvent, StorageError, reader};
use serde::Serialize;
use serde_json::value::RawValue;
use uuid::Uuid;

/// An event as the API and the export show it: data in the current schema of its type.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EventView<'a> {
    pub position: u64,
    pub event_id: Uuid,
    pub stream: &'a str,
    pub version: u64,
    #[serde(rename = "type")]
    pub event_type: &'a str,
    pub schema: u32,
    #[schema(value_type = Object)]
    pub data: Box<RawValue>,
    #[schema(value_type = Object)]
    pub metadata: &'a RawValue,
    pub recorded_at: DateTime<Utc>,
}

/// Renders a stored event, upcasting its data when its schema is old.
pub fn view(event: &RecordedEvent) -> Result<EventView<'_>, StorageError> {
    let (schema, data) = match current_schema(&event.event_type) {
        Some(newest) if newest != event.schema => {
            (newest, upcast::to_current(&event.event_type, event.schema, newest, &event.data)?)
        }
        _ => (event.schema, Cow::Borrowed(event.data.as_str())),
    };
    Ok(EventView {
        position: event.position,
        event_id: event.event_id,
        stream: &event.stream,
        version: event.version,
        event_type: &event.event_type,
        schema,
        data: RawValue::from_string(data.into_owned())?,
        metadata: serde_json::from_str(&event.metadata_json)?,
        recorded_at: event.recorded_at,
    })
}

/// One line of the NDJSON export.
pub fn ndjson_line(event: &RecordedEvent) -> Result<String, StorageError> {
    let mut line = serde_json::to_string(&view(event)?)?;
    line.push('\n');
    Ok(line)
}

/// One page of the export: the lines after `after` and the last position they reach.
pub fn export_page(conn: &Db<'_>, after: u64, filter: &EventFilter) -> Result<Option<(String, u64)>, StorageError> {
    const PAGE: usize = 1000;
    let events = reader::read_all(conn, after, PAGE, filter)?;
    let Some(last) = events.last().map(|e| e.position) else { return Ok(None) };
    let mut chunk = String::with_capacity(events.len() * 512);
    for event in &events {
        chunk.push_str(&ndjson_line(event)?);
    }
    Ok(Some((chunk, last)))
}

/// One entry of a deal's history: what happened, who did it, when.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HistoryEntry<'a> {
    pub position: u64,
    pub event_id: Uuid,
    pub version: u64,
    #[serde(rename = "type")]
    pub event_type: &'a str,
    #[schema(value_type = Object)]
    pub data: Box<RawValue>,
    pub changed_by: Actor,
    pub request_id: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// A deal's history entries (empty when the deal never existed).
pub fn deal_history(events: &[RecordedEvent]) -> Result<Vec<HistoryEntry<'_>>, StorageError> {
    events
        .iter()
        .map(|event| {
            let view = view(event)?;
            let metadata = event.metadata()?;
            Ok(HistoryEntry {
                position: event.position,
                event_id: event.event_id,
                version: event.version,
                event_type: &event.event_type,
                data: view.data,
                changed_by: metadata.actor,
                request_id: metadata.request_id,
                recorded_at: event.recorded_at,
            })
        })
        .collect()
}

/// The deal as it was at `at`: its events recorded up to then, folded.
pub fn deal_as_of(conn: &Db<'_>, id: DealId, at: DateTime<Utc>) -> Result<Option<Deal>, StorageError> {
    let events = reader::read_stream(conn, id.stream().as_str(), 1)?;
    let mut deal = None;
    for event in events.iter().take_while(|e| e.recorded_at <= at) {
        deal = Deal::evolve(deal, id, &event.decode()?, &event.context()?);
    }
    Ok(deal)
}
