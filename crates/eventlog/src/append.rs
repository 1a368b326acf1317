//! [`Transaction::append`]: a stream's new events numbered after the head, with the stream's
//! expected version checked and a repeated `event_id` answered with its original positions.

use domain::ids::StreamName;
use uuid::Uuid;

use crate::sql::Optional;
use crate::stream_versions::{self, Current};
use crate::transaction::Transaction;
use crate::{AppendError, Appended, ExpectedVersion, NewEvent, StorageError};

impl Transaction<'_> {
    /// Appends events to a stream if it is at the expected version. A repeat of already stored
    /// events (same first `event_id`) stores nothing and answers their original positions.
    pub fn append(
        &mut self,
        stream: &StreamName,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended, AppendError> {
        if events.is_empty() {
            let version = self.stream_version(stream.as_str())?;
            return Ok(Appended {
                first_position: None,
                last_position: None,
                stream_version: version,
                duplicate: false,
            });
        };
        let known = self.versions.borrow().get(stream.as_str());
        let current = match stream_versions::current(known, expected) {
            Current::Known(version) => version,
            Current::AssumedNew => None,
            Current::Unknown => self.stream_version(stream.as_str())?,
        };
        if !expected.admits(current) {
            return self.not_appended(stream, expected, events);
        }
        self.insert(stream, expected, current.unwrap_or(0), events)
    }

    /// Inserts the events at versions after `version`; the position is the writer's head + 1:
    /// the writer holds the one append point (SQLite's write lock, PostgreSQL's `log_head`
    /// row), so no other process numbers events meanwhile.
    fn insert(
        &mut self,
        stream: &StreamName,
        expected: ExpectedVersion,
        mut version: u64,
        events: &[NewEvent],
    ) -> Result<Appended, AppendError> {
        // A repeated `event_id` or a taken `(stream, version)` inserts nothing (and fails no
        // PostgreSQL transaction); the common path skips looking either up first.
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO events (position, event_id, stream, version, type, schema, data, metadata, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
        )?;
        let mut first_position = None;
        for event in events {
            version += 1;
            let id = event.event_id().to_string();
            let (event_type, schema, data, metadata) = event.columns();
            let position = self.head + 1;
            let inserted = insert.execute((
                position,
                &id,
                stream.as_str(),
                version,
                event_type,
                schema,
                data,
                metadata,
                self.recorded_at,
            ));
            match inserted {
                Ok(1) => {}
                Ok(_) if first_position.is_none() => {
                    drop(insert);
                    return self.not_appended(stream, expected, events);
                }
                Ok(_) => {
                    self.poisoned = true;
                    return Err(AppendError::PartialRepeat(event.event_id()));
                }
                Err(error) => {
                    self.poisoned |= first_position.is_some();
                    return Err(error.into());
                }
            }
            self.head = position;
            self.appended += 1;
            first_position.get_or_insert(self.head);
        }
        self.versions.borrow_mut().learn(stream.as_str(), Some(version));
        Ok(Appended { first_position, last_position: Some(self.head), stream_version: Some(version), duplicate: false })
    }

    /// Why nothing was appended: the events are a repeat (answered with their positions), or
    /// the stream is not at the expected version (a conflict), as the database has it.
    fn not_appended(
        &mut self,
        stream: &StreamName,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended, AppendError> {
        let first = events[0].event_id();
        // A retried append whose stream has moved on is a repeat, not a conflict.
        if let Some(position) = self.position_of(first)? {
            return self.repeated(events, position);
        }
        let actual = self.stored_version(stream.as_str())?;
        self.versions.borrow_mut().learn(stream.as_str(), actual);
        if expected.admits(actual) {
            return Err(StorageError::CommitFailed(format!(
                "position {} is already taken; the log's append point is out of step, restart the process",
                self.head + 1
            ))
            .into());
        }
        Err(AppendError::Conflict { stream: stream.to_string(), expected, actual })
    }

    fn position_of(&self, event_id: Uuid) -> Result<Option<u64>, StorageError> {
        let mut query = self.conn.prepare_cached("SELECT position FROM events WHERE event_id = ?1")?;
        Ok(query.query_row([event_id.to_string()], |row| row.get(0)).optional()?)
    }

    fn repeated(&self, events: &[NewEvent], first_position: u64) -> Result<Appended, AppendError> {
        let mut last_position = first_position;
        for event in &events[1..] {
            last_position = self.position_of(event.event_id())?.ok_or(AppendError::PartialRepeat(event.event_id()))?;
        }
        let mut query = self.conn.prepare_cached("SELECT stream FROM events WHERE position = ?1")?;
        let stream: String = query.query_row([first_position], |row| row.get(0))?;
        Ok(Appended {
            first_position: Some(first_position),
            last_position: Some(last_position),
            stream_version: self.stored_version(&stream)?,
            duplicate: true,
        })
    }
}
