//! Mapping between stored rows and [`RecordedEvent`].

use crate::sql::{Row, SqlError};
use chrono::{DateTime, Utc};

use crate::RecordedEvent;

/// The columns every event query selects, in the order [`recorded_event`] reads them.
pub(crate) const EVENT_COLUMNS: &str = "position, event_id, stream, version, type, schema, data, metadata, recorded_at";

/// Reads one row selected with [`EVENT_COLUMNS`].
pub(crate) fn recorded_event(row: &Row<'_>) -> Result<RecordedEvent, SqlError> {
    let event_id: String = row.get(1)?;
    Ok(RecordedEvent {
        position: row.get(0)?,
        event_id: event_id.parse().map_err(|e| SqlError::Invalid(format!("event_id {event_id:?}: {e}")))?,
        stream: row.get(2)?,
        version: row.get(3)?,
        event_type: row.get(4)?,
        schema: row.get(5)?,
        data: row.get(6)?,
        metadata_json: row.get(7)?,
        recorded_at: from_micros(row.get(8)?),
    })
}

/// A stored timestamp (UTC microseconds) as a date-time.
pub fn from_micros(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

/// A date-time as stored (UTC microseconds).
pub fn to_micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}
