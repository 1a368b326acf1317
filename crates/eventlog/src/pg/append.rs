//! One append inside the writer's group transaction, which holds the `log_head` row lock: no
//! other append runs meanwhile, so what the queries find stays true until the insert.

use std::collections::HashMap;

use domain::ids::StreamName;
use postgres::{Client, Statement, Transaction};
use uuid::Uuid;

use super::decide::{Decision, Stored, decide};
use crate::{AppendError, Appended, ExpectedVersion, NewEvent, StorageError};

/// The writer's statements, prepared once per connection.
pub(crate) struct Statements {
    stream_version: Statement,
    stored: Statement,
    insert: Statement,
}

impl Statements {
    pub(crate) fn prepare(client: &mut Client) -> Result<Self, postgres::Error> {
        Ok(Self {
            stream_version: client.prepare("SELECT max(version) FROM events WHERE stream = $1")?,
            stored: client.prepare("SELECT event_id, position, stream FROM events WHERE event_id = ANY($1)")?,
            // One statement per append, however many events: positions and versions count up
            // from the first with the array's ordinality.
            insert: client.prepare(
                "INSERT INTO events (position, event_id, stream, version, type, schema, data, metadata, recorded_at)
                 SELECT $1 + e.n - 1, e.event_id, $3, $2 + e.n - 1, e.type, e.schema, e.data, e.metadata, $4
                 FROM unnest($5::uuid[], $6::text[], $7::int4[], $8::text[], $9::text[])
                      WITH ORDINALITY AS e (event_id, type, schema, data, metadata, n)",
            )?,
        })
    }
}

/// Where the group transaction stands: the head so far and the batch's one timestamp.
pub(crate) struct Cursor {
    pub head: u64,
    pub recorded_at: i64,
}

/// Appends `events` to `stream` if it is at `expected` (see [`crate::Transaction::append`]).
/// `Err(AppendError::Storage)` leaves the transaction unusable; every other refusal wrote nothing.
pub(crate) fn append(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    cursor: &mut Cursor,
    stream: &StreamName,
    expected: ExpectedVersion,
    events: &[NewEvent],
) -> Result<Appended, AppendError> {
    let current = stream_version(tx, statements, stream.as_str())?;
    if events.is_empty() {
        return Ok(Appended { first_position: None, last_position: None, stream_version: current, duplicate: false });
    }
    let ids: Vec<Uuid> = events.iter().map(NewEvent::event_id).collect();
    let stored = stored_events(tx, statements, &ids)?;
    match decide(&ids, &stored, expected, current) {
        Decision::Insert => insert(tx, statements, cursor, stream, current.unwrap_or(0), events),
        Decision::Repeat { first, last_position } => Ok(Appended {
            first_position: Some(first.position),
            last_position: Some(last_position),
            stream_version: stream_version(tx, statements, &first.stream)?,
            duplicate: true,
        }),
        Decision::Conflict => Err(AppendError::Conflict { stream: stream.to_string(), expected, actual: current }),
        Decision::PartialRepeat(id) => Err(AppendError::PartialRepeat(id)),
    }
}

fn insert(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    cursor: &mut Cursor,
    stream: &StreamName,
    current: u64,
    events: &[NewEvent],
) -> Result<Appended, AppendError> {
    let first_position = cursor.head + 1;
    let (mut ids, mut types, mut schemas, mut data, mut metadata) = (vec![], vec![], vec![], vec![], vec![]);
    for event in events {
        let (event_type, schema, event_data, event_metadata) = event.columns();
        ids.push(event.event_id());
        types.push(event_type);
        schemas.push(i32::try_from(schema).unwrap_or(i32::MAX));
        data.push(event_data);
        metadata.push(event_metadata);
    }
    let inserted = tx.execute(
        &statements.insert,
        &[
            &to_i64(first_position),
            &to_i64(current + 1),
            &stream.as_str(),
            &cursor.recorded_at,
            &ids,
            &types,
            &schemas,
            &data,
            &metadata,
        ],
    )?;
    cursor.head += inserted;
    Ok(Appended {
        first_position: Some(first_position),
        last_position: Some(cursor.head),
        stream_version: Some(current + inserted),
        duplicate: false,
    })
}

fn stream_version(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    stream: &str,
) -> Result<Option<u64>, StorageError> {
    let version: Option<i64> = tx.query_one(&statements.stream_version, &[&stream])?.get(0);
    Ok(version.map(to_u64))
}

fn stored_events(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Stored>, StorageError> {
    let rows = tx.query(&statements.stored, &[&ids])?;
    let mut stored = HashMap::with_capacity(rows.len());
    for row in rows {
        stored.insert(row.try_get(0)?, Stored { position: to_u64(row.try_get(1)?), stream: row.try_get(2)? });
    }
    Ok(stored)
}

/// A stored BIGINT position, version or timestamp; they are never negative.
pub(crate) fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

/// A position or version as stored (BIGINT).
pub(crate) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
