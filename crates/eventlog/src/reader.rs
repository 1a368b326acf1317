//! Reads over any connection: a pooled reader's or a write unit's.

use crate::sql::{Db, Optional, Value, params_from_iter};

use crate::rows::{EVENT_COLUMNS, recorded_event, to_micros};
use crate::{EventFilter, RecordedEvent, StorageError};

/// A stream's events with `version >= from_version`, in version order.
pub fn read_stream(conn: &Db<'_>, stream: &str, from_version: u64) -> Result<Vec<RecordedEvent>, StorageError> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE stream = ?1 AND version >= ?2 ORDER BY version");
    let mut query = conn.prepare_cached(&sql)?;
    let events = query.query_map((stream, from_version), recorded_event)?.collect::<Result<_, _>>()?;
    Ok(events)
}

/// Up to `limit` events after `after`, in position order, that pass the filter.
pub fn read_all(
    conn: &Db<'_>,
    after: u64,
    limit: usize,
    filter: &EventFilter,
) -> Result<Vec<RecordedEvent>, StorageError> {
    let after = match filter.since {
        Some(since) => after.max(position_before(conn, to_micros(since))?),
        None => after,
    };
    if !filter.types.iter().any(|t| t.ends_with('*')) {
        return read_after(conn, after, limit, filter, &filter.types);
    }
    // A prefix such as `deal.*` covers most of the log: one query would read all of it through the
    // `(type, position)` index and sort it. Instead each type it covers is read in position order
    // (at most `limit` of each, straight from the index) and the lists merged.
    let mut events = Vec::new();
    for event_type in covered_types(conn, &filter.types)? {
        events.extend(read_after(conn, after, limit, filter, std::slice::from_ref(&event_type))?);
    }
    events.sort_by_key(|e| e.position);
    events.truncate(limit);
    Ok(events)
}

/// The stored types `types` name (each `prefix*` expanded to the types present that start with
/// it), without repeats: one seek of the `(type, position)` index per type found.
fn covered_types(conn: &Db<'_>, types: &[String]) -> Result<Vec<String>, StorageError> {
    let mut first = conn.prepare_cached("SELECT type FROM events WHERE type >= ?1 ORDER BY type LIMIT 1")?;
    let mut after = conn.prepare_cached("SELECT type FROM events WHERE type > ?1 ORDER BY type LIMIT 1")?;
    let mut found = Vec::new();
    for t in types {
        let Some(prefix) = t.strip_suffix('*') else {
            found.push(t.clone());
            continue;
        };
        // As `type GLOB 'prefix*'` did; event types hold no `*?[`.
        let prefix = prefix.replace(['*', '?', '['], "");
        let mut next = first.query_row([&prefix], |row| row.get::<String>(0)).optional()?;
        while let Some(event_type) = next.filter(|t| t.starts_with(&prefix)) {
            next = after.query_row([&event_type], |row| row.get::<String>(0)).optional()?;
            found.push(event_type);
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn read_after(
    conn: &Db<'_>,
    after: u64,
    limit: usize,
    filter: &EventFilter,
    types: &[String],
) -> Result<Vec<RecordedEvent>, StorageError> {
    let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE position > ?");
    let mut params: Vec<Value> = vec![Value::Integer(i64::try_from(after).unwrap_or(i64::MAX))];
    push_type_condition(&mut sql, &mut params, types);
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
    let events = query.query_map(params_from_iter(params), recorded_event)?.collect::<Result<_, _>>()?;
    Ok(events)
}

/// Commits by another process may interleave slightly out of time order; start this much early.
const CLOCK_SLACK_MICROS: i64 = 60_000_000;

/// A position before every event recorded at or after `micros`: `recorded_at` rises with
/// position (allowing for [`CLOCK_SLACK_MICROS`]), so a binary search on the primary key finds it
/// without an index on time.
fn position_before(conn: &Db<'_>, micros: i64) -> Result<u64, StorageError> {
    let target = micros.saturating_sub(CLOCK_SLACK_MICROS);
    let mut recorded_at = conn.prepare_cached("SELECT recorded_at FROM events WHERE position = ?1")?;
    let (mut low, mut high) = (0_u64, head(conn)?);
    // Invariant: events at or before `low` were recorded before `target` (position 0: none).
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        let at: i64 = recorded_at.query_row([middle], |row| row.get(0))?;
        if at < target { low = middle } else { high = middle - 1 }
    }
    Ok(low)
}

/// Exact types only: `read_all` expands prefixes first.
fn push_type_condition(sql: &mut String, params: &mut Vec<Value>, types: &[String]) {
    if types.is_empty() {
        return;
    }
    let conditions = vec!["type = ?"; types.len()];
    params.extend(types.iter().map(|t| Value::Text(t.clone())));
    sql.push_str(&format!(" AND ({})", conditions.join(" OR ")));
}

/// Up to `limit` events of the given types before position `before`, newest first. One query per
/// type, each a backwards walk of the `(type, position)` index, however rare the type.
pub fn latest_of_types(
    conn: &Db<'_>,
    types: &[&str],
    before: u64,
    limit: usize,
) -> Result<Vec<RecordedEvent>, StorageError> {
    let sql =
        format!("SELECT {EVENT_COLUMNS} FROM events WHERE type = ?1 AND position < ?2 ORDER BY position DESC LIMIT ?3");
    let mut query = conn.prepare_cached(&sql)?;
    let before = i64::try_from(before).unwrap_or(i64::MAX);
    let per_type = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut events = Vec::new();
    for event_type in types {
        let rows = query.query_map((event_type, before, per_type), recorded_event)?;
        events.extend(rows.collect::<Result<Vec<_>, _>>()?);
    }
    events.sort_by_key(|e| std::cmp::Reverse(e.position));
    events.truncate(limit);
    Ok(events)
}

/// The position of the last event; 0 for an empty log.
pub fn head(conn: &Db<'_>) -> Result<u64, StorageError> {
    Ok(conn.query_row("SELECT coalesce(max(position), 0) FROM events", [], |row| row.get(0))?)
}

/// A consumer's checkpoint; 0 when it has none.
pub fn checkpoint(conn: &Db<'_>, name: &str) -> Result<u64, StorageError> {
    let mut query = conn.prepare_cached("SELECT coalesce(max(position), 0) FROM checkpoints WHERE name = ?1")?;
    Ok(query.query_row([name], |row| row.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events one hour apart, at positions 1..=n.
    fn hourly_log(n: i64) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::migrations::apply(&Db::sqlite(&conn), crate::migrations::MIGRATIONS).unwrap();
        for position in 1..=n {
            conn.execute(
                "INSERT INTO events (event_id, stream, version, type, schema, data, metadata, recorded_at)
                 VALUES (?1, 's-1', ?2, 't', 1, '{}', '{}', ?3)",
                (format!("00000000-0000-7000-8000-{position:012}"), position, position * 3_600_000_000),
            )
            .unwrap();
        }
        conn
    }

    #[test]
    fn the_binary_search_lands_just_before_the_first_event_of_a_time() {
        let conn = hourly_log(1000);
        for target in [1_i64, 2, 500, 999, 1000] {
            // Every event at or after hour `target` lies after the position found, and the search
            // starts at most the one minute of slack early.
            let found = position_before(&Db::sqlite(&conn), target * 3_600_000_000).unwrap();
            assert_eq!(found, target as u64 - 1, "hour {target}");
        }
        assert_eq!(position_before(&Db::sqlite(&conn), 0).unwrap(), 0);
        assert_eq!(position_before(&Db::sqlite(&conn), i64::MAX).unwrap(), 1000);
    }

    #[test]
    fn since_and_until_select_exactly_their_range() {
        let conn = hourly_log(100);
        let hour = |h: i64| crate::rows::from_micros(h * 3_600_000_000);
        let filter = EventFilter { since: Some(hour(40)), until: Some(hour(43)), ..EventFilter::default() };
        let positions: Vec<u64> =
            read_all(&Db::sqlite(&conn), 0, 100, &filter).unwrap().iter().map(|e| e.position).collect();
        assert_eq!(positions, [40, 41, 42]);
    }

    /// A migrated in-memory log of one stream whose events at positions 1, 2, … have `types`.
    fn log_of_types(types: &[&str]) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::migrations::apply(&Db::sqlite(&conn), crate::migrations::MIGRATIONS).unwrap();
        for (position, event_type) in (1_i64..).zip(types) {
            conn.execute(
                "INSERT INTO events (event_id, stream, version, type, schema, data, metadata, recorded_at)
                 VALUES (?1, 's-1', ?2, ?3, 1, '{}', '{}', ?2)",
                (format!("00000000-0000-7000-8000-{position:012}"), position, event_type),
            )
            .unwrap();
        }
        conn
    }

    #[test]
    fn the_latest_events_of_some_types_come_newest_first_before_a_position() {
        let conn = log_of_types(&["t", "a", "t", "b", "a", "t"]);
        let positions = |types: &[&str], before: u64, limit: usize| -> Vec<u64> {
            latest_of_types(&Db::sqlite(&conn), types, before, limit).unwrap().iter().map(|e| e.position).collect()
        };
        assert_eq!(positions(&["a", "b"], u64::MAX, 10), [5, 4, 2]);
        assert_eq!(positions(&["a", "b"], 5, 1), [4]);
        assert_eq!(positions(&["missing"], u64::MAX, 5), Vec::<u64>::new());
    }

    #[test]
    fn a_type_prefix_reads_every_type_it_covers_in_position_order() {
        let conn = log_of_types(&["deal.b", "deal_x", "deal.a", "dealer", "deal.b", "deal.", "deal.a", "deal.c"]);
        let positions = |types: &[&str], after: u64, limit: usize| -> Vec<u64> {
            let filter = EventFilter { types: types.iter().map(|t| t.to_string()).collect(), ..Default::default() };
            read_all(&Db::sqlite(&conn), after, limit, &filter).unwrap().iter().map(|e| e.position).collect()
        };
        assert_eq!(positions(&["deal.*"], 0, 100), [1, 3, 5, 6, 7, 8]);
        assert_eq!(positions(&["deal.*"], 1, 3), [3, 5, 6]);
        assert_eq!(positions(&["deal.*", "deal.a", "dealer"], 0, 100), [1, 3, 4, 5, 6, 7, 8]);
        assert_eq!(positions(&["deal_*"], 0, 100), [2]);
        assert_eq!(positions(&["*"], 6, 100), [7, 8]);
        assert_eq!(positions(&["missing.*"], 0, 100), Vec::<u64>::new());
    }
}
