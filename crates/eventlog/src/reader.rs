//! Reads over any connection: a pooled reader's or a write unit's.

use rusqlite::Connection;
use rusqlite::types::Value;

use crate::rows::{EVENT_COLUMNS, recorded_event, to_micros};
use crate::{EventFilter, RecordedEvent, StorageError};

/// A stream's events with `version >= from_version`, in version order.
pub fn read_stream(conn: &Connection, stream: &str, from_version: u64) -> Result<Vec<RecordedEvent>, StorageError> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE stream = ?1 AND version >= ?2 ORDER BY version");
    let mut query = conn.prepare_cached(&sql)?;
    let events = query.query_map((stream, from_version), recorded_event)?.collect::<Result<_, _>>()?;
    Ok(events)
}

/// Up to `limit` events after `after`, in position order, that pass the filter.
pub fn read_all(
    conn: &Connection,
    after: u64,
    limit: usize,
    filter: &EventFilter,
) -> Result<Vec<RecordedEvent>, StorageError> {
    let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE position > ?");
    let mut params: Vec<Value> = vec![Value::Integer(i64::try_from(after).unwrap_or(i64::MAX))];
    push_type_condition(&mut sql, &mut params, &filter.types);
    if let Some(stream) = &filter.stream {
        sql.push_str(" AND stream = ?");
        params.push(Value::Text(stream.clone()));
    }
    if let Some(since) = filter.since {
        sql.push_str(" AND recorded_at >= ?");
        params.push(Value::Integer(to_micros(since)));
    }
    if let Some(until) = filter.until {
        sql.push_str(" AND recorded_at < ?");
        params.push(Value::Integer(to_micros(until)));
    }
    sql.push_str(" ORDER BY position LIMIT ?");
    params.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    let mut query = conn.prepare_cached(&sql)?;
    let events = query.query_map(rusqlite::params_from_iter(params), recorded_event)?.collect::<Result<_, _>>()?;
    Ok(events)
}

fn push_type_condition(sql: &mut String, params: &mut Vec<Value>, types: &[String]) {
    if types.is_empty() {
        return;
    }
    let conditions: Vec<&str> = types
        .iter()
        .map(|t| match t.strip_suffix('*') {
            Some(prefix) => {
                // GLOB, unlike LIKE, treats `_` literally; event types hold no `*?[`.
                params.push(Value::Text(format!("{}*", prefix.replace(['*', '?', '['], ""))));
                "type GLOB ?"
            }
            None => {
                params.push(Value::Text(t.clone()));
                "type = ?"
            }
        })
        .collect();
    sql.push_str(&format!(" AND ({})", conditions.join(" OR ")));
}

/// The position of the last event; 0 for an empty log.
pub fn head(conn: &Connection) -> Result<u64, StorageError> {
    Ok(conn.query_row("SELECT coalesce(max(position), 0) FROM events", [], |row| row.get(0))?)
}

/// A consumer's checkpoint; 0 when it has none.
pub fn checkpoint(conn: &Connection, name: &str) -> Result<u64, StorageError> {
    let mut query = conn.prepare_cached("SELECT coalesce(max(position), 0) FROM checkpoints WHERE name = ?1")?;
    Ok(query.query_row([name], |row| row.get(0))?)
}
