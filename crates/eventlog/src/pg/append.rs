//! The batch's appends against the database, inside the writer's transaction, which holds the
//! `log_head` row lock: no other append runs meanwhile, so what [`load_plan`] reads stays true
//! until [`insert_planned`] writes. Two reads and one insert per batch.

use std::collections::HashMap;

use postgres::{Client, Statement, Transaction};
use uuid::Uuid;

use super::decide::Stored;
use super::plan::{Insert, Plan};
use crate::{NewEvent, StorageError};

/// The writer's statements, prepared once per connection.
pub(crate) struct Statements {
    versions: Statement,
    stored: Statement,
    insert: Statement,
}

impl Statements {
    pub(crate) fn prepare(client: &mut Client) -> Result<Self, postgres::Error> {
        Ok(Self {
            // One index probe per stream (max over `UNIQUE (stream, version)`), however long it is.
            versions: client.prepare(
                "SELECT s.stream, (SELECT max(version) FROM events e WHERE e.stream = s.stream)
                 FROM unnest($1::text[]) AS s (stream)",
            )?,
            stored: client.prepare("SELECT event_id, position, stream FROM events WHERE event_id = ANY($1)")?,
            insert: client.prepare(
                "INSERT INTO events (position, event_id, stream, version, type, schema, data, metadata, recorded_at)
                 SELECT e.position, e.event_id, e.stream, e.version, e.type, e.schema, e.data, e.metadata, $9
                 FROM unnest($1::int8[], $2::uuid[], $3::text[], $4::int8[], $5::text[], $6::int4[], $7::text[],
                             $8::text[]) AS e (position, event_id, stream, version, type, schema, data, metadata)",
            )?,
        })
    }
}

/// An append of the batch, by request index.
pub(crate) struct AppendRef<'r> {
    pub request: usize,
    pub stream: &'r str,
    pub events: &'r [NewEvent],
}

/// A plan at `head` that knows the versions of the batch's streams and which of its event ids
/// are stored (with the versions of their streams, for answering repeats).
pub(crate) fn load_plan(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    head: u64,
    appends: &[AppendRef<'_>],
) -> Result<Plan, StorageError> {
    let ids: Vec<Uuid> = appends.iter().flat_map(|a| a.events.iter().map(NewEvent::event_id)).collect();
    let mut stored = HashMap::new();
    for row in tx.query(&statements.stored, &[&ids])? {
        stored.insert(row.try_get(0)?, Stored { position: to_u64(row.try_get(1)?), stream: row.try_get(2)? });
    }
    let mut streams: Vec<&str> = appends.iter().map(|a| a.stream).collect();
    streams.extend(stored.values().map(|s: &Stored| s.stream.as_str()));
    streams.sort_unstable();
    streams.dedup();
    let mut versions = HashMap::new();
    for row in tx.query(&statements.versions, &[&streams])? {
        if let Some(version) = row.try_get::<_, Option<i64>>(1)? {
            versions.insert(row.try_get(0)?, to_u64(version));
        }
    }
    Ok(Plan::new(head, versions, stored))
}

/// Inserts every event the plan numbered, in one statement.
pub(crate) fn insert_planned(
    tx: &mut Transaction<'_>,
    statements: &Statements,
    inserts: &[Insert],
    appends: &[AppendRef<'_>],
    recorded_at: i64,
) -> Result<(), StorageError> {
    let by_request: HashMap<usize, &AppendRef<'_>> = appends.iter().map(|a| (a.request, a)).collect();
    let mut columns = Columns::default();
    for insert in inserts {
        let Some(append) = by_request.get(&insert.request) else { continue };
        for (offset, event) in (0_u64..).zip(append.events) {
            columns.push(insert.first_position + offset, insert.first_version + offset, append.stream, event);
        }
    }
    if columns.positions.is_empty() {
        return Ok(());
    }
    let c = &columns;
    tx.execute(
        &statements.insert,
        &[&c.positions, &c.ids, &c.streams, &c.versions, &c.types, &c.schemas, &c.data, &c.metadata, &recorded_at],
    )?;
    Ok(())
}

/// The insert's arrays, one element per event.
#[derive(Default)]
struct Columns<'r> {
    positions: Vec<i64>,
    ids: Vec<Uuid>,
    streams: Vec<&'r str>,
    versions: Vec<i64>,
    types: Vec<&'r str>,
    schemas: Vec<i32>,
    data: Vec<&'r str>,
    metadata: Vec<&'r str>,
}

impl<'r> Columns<'r> {
    fn push(&mut self, position: u64, version: u64, stream: &'r str, event: &'r NewEvent) {
        let (event_type, schema, data, metadata) = event.columns();
        self.positions.push(to_i64(position));
        self.ids.push(event.event_id());
        self.streams.push(stream);
        self.versions.push(to_i64(version));
        self.types.push(event_type);
        self.schemas.push(i32::try_from(schema).unwrap_or(i32::MAX));
        self.data.push(data);
        self.metadata.push(metadata);
    }
}

/// A stored BIGINT position, version or timestamp; they are never negative.
pub(crate) fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

/// A position or version as stored (BIGINT).
pub(crate) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
