//! The log's queries on PostgreSQL. Each is one statement, so it reads one snapshot: since
//! positions are handed out in commit order, a snapshot holds every position up to some n and
//! none after it, and a reader never sees n+1 before n.

use postgres::types::ToSql;
use postgres::{GenericClient, Row};

use super::append::{to_i64, to_u64};
use crate::{EventFilter, RecordedEvent, StorageError, from_micros, to_micros};

const EVENT_COLUMNS: &str = "position, event_id, stream, version, type, schema, data, metadata, recorded_at";

/// A stream's events with `version >= from_version`, in version order.
pub(crate) fn read_stream(
    client: &mut impl GenericClient,
    stream: &str,
    from_version: u64,
) -> Result<Vec<RecordedEvent>, StorageError> {
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE stream = $1 AND version >= $2 ORDER BY version");
    client.query(&sql, &[&stream, &to_i64(from_version)])?.iter().map(recorded_event).collect()
}

/// Up to `limit` events after `after`, in position order, that pass the filter.
pub(crate) fn read_all(
    client: &mut impl GenericClient,
    after: u64,
    limit: usize,
    filter: &EventFilter,
) -> Result<Vec<RecordedEvent>, StorageError> {
    let after = match filter.since {
        Some(since) => after.max(position_before(client, to_micros(since))?),
        None => after,
    };
    let after = to_i64(after);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let (exact, prefixes) = split_types(&filter.types);
    let since = filter.since.map(to_micros);
    let until = filter.until.map(to_micros);
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&after, &limit];
    let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE position > $1");
    if !filter.types.is_empty() {
        params.extend([&exact as &(dyn ToSql + Sync), &prefixes]);
        // `starts_with(type, '')` keeps everything: the prefix `*`.
        sql.push_str(" AND (type = ANY($3) OR EXISTS (SELECT 1 FROM unnest($4::text[]) p WHERE starts_with(type, p)))");
    }
    if let Some(stream) = &filter.stream {
        params.push(stream);
        sql.push_str(&format!(" AND stream = ${}", params.len()));
    }
    if let Some(since) = &since {
        params.push(since);
        sql.push_str(&format!(" AND recorded_at >= ${}", params.len()));
    }
    if let Some(until) = &until {
        params.push(until);
        sql.push_str(&format!(" AND recorded_at < ${}", params.len()));
    }
    sql.push_str(" ORDER BY position LIMIT $2");
    client.query(&sql, &params)?.iter().map(recorded_event).collect()
}

/// The last position recorded before `micros` (0: none). The writer never records an event
/// before the last one, so `recorded_at` rises with position and a binary search on the primary
/// key finds it without an index on time.
fn position_before(client: &mut impl GenericClient, micros: i64) -> Result<u64, StorageError> {
    let (mut low, mut high) = (0_u64, head(client)?);
    // Invariant: events at or before `low` were recorded before `micros` (position 0: none).
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        let row = client.query_one("SELECT recorded_at FROM events WHERE position = $1", &[&to_i64(middle)])?;
        if row.try_get::<_, i64>(0)? < micros { low = middle } else { high = middle - 1 }
    }
    Ok(low)
}

/// Exact types and the prefixes of `prefix*` types.
fn split_types(types: &[String]) -> (Vec<String>, Vec<String>) {
    let (prefixes, exact): (Vec<&String>, Vec<&String>) = types.iter().partition(|t| t.ends_with('*'));
    let prefixes = prefixes.into_iter().map(|t| t.trim_end_matches('*').to_owned()).collect();
    (exact.into_iter().cloned().collect(), prefixes)
}

/// The position of the last committed event; 0 for an empty log.
pub(crate) fn head(client: &mut impl GenericClient) -> Result<u64, StorageError> {
    Ok(to_u64(client.query_one("SELECT position FROM log_head", &[])?.try_get(0)?))
}

/// A consumer's checkpoint; 0 when it has none.
pub(crate) fn checkpoint(client: &mut impl GenericClient, name: &str) -> Result<u64, StorageError> {
    let row = client.query_one("SELECT coalesce(max(position), 0) FROM checkpoints WHERE name = $1", &[&name])?;
    Ok(to_u64(row.try_get(0)?))
}

fn recorded_event(row: &Row) -> Result<RecordedEvent, StorageError> {
    let schema: i32 = row.try_get(5)?;
    Ok(RecordedEvent {
        position: to_u64(row.try_get(0)?),
        event_id: row.try_get(1)?,
        stream: row.try_get(2)?,
        version: to_u64(row.try_get(3)?),
        event_type: row.try_get(4)?,
        schema: u32::try_from(schema).unwrap_or_default(),
        data: row.try_get(6)?,
        metadata_json: row.try_get(7)?,
        recorded_at: from_micros(row.try_get(8)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_split_from_exact_types_without_their_star() {
        let types = ["deal.*", "contact.created", "*"].map(String::from);
        let (exact, prefixes) = split_types(&types);
        assert_eq!(exact, ["contact.created"]);
        assert_eq!(prefixes, ["deal.", ""]);
    }
}
