//! The write transaction a unit runs in: appends, stream reads, id sequences, checkpoints,
//! and the caller's own tables. Everything a unit does commits or rolls back together.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use domain::ids::{IdAllocator, IdKind};

use crate::rows::from_micros;
use crate::sequences::Sequences;
use crate::sql::{Db, Optional};
use crate::stream_versions::StreamVersions;
use crate::{RecordedEvent, StorageError};

/// One unit's view of the group transaction.
pub struct Transaction<'c> {
    pub(crate) conn: Db<'c>,
    sequences: Sequences,
    pub(crate) recorded_at: i64,
    pub(crate) head: u64,
    pub(crate) appended: u64,
    saved_checkpoints: Vec<(String, u64)>,
    /// Set when an append failed after inserting some of its events: the unit must roll back
    /// even if it goes on, so that nothing of a failed append is stored.
    pub(crate) poisoned: bool,
    /// Stream versions this batch has read or written.
    pub(crate) versions: RefCell<StreamVersions>,
}

/// Where a unit started, so that a rolled-back unit leaves no trace in memory either.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    head: u64,
    appended: u64,
    checkpoints: usize,
    ids: usize,
}

impl<'c> Transaction<'c> {
    pub(crate) fn new(conn: Db<'c>, sequences: Sequences, recorded_at: i64, head: u64) -> Self {
        Self {
            conn,
            sequences,
            recorded_at,
            head,
            appended: 0,
            saved_checkpoints: Vec::new(),
            poisoned: false,
            versions: RefCell::default(),
        }
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            head: self.head,
            appended: self.appended,
            checkpoints: self.saved_checkpoints.len(),
            ids: self.sequences.mark(),
        }
    }

    pub(crate) fn reset(&mut self, mark: Mark) {
        self.head = mark.head;
        self.appended = mark.appended;
        self.saved_checkpoints.truncate(mark.checkpoints);
        self.sequences.undo_to(mark.ids);
        self.poisoned = false;
        self.versions.get_mut().forget();
    }

    /// Whether an append of the current unit failed halfway (see the `poisoned` field).
    pub(crate) fn poisoned(&self) -> bool {
        self.poisoned
    }

    /// Writes the batch's sequence values; called once before the commit.
    pub(crate) fn persist_sequences(&mut self) -> Result<(), StorageError> {
        Ok(self.sequences.persist(&self.conn)?)
    }

    /// After a failed commit nothing the batch remembered of the sequences can be trusted.
    pub(crate) fn forget_sequences(mut self) -> Sequences {
        self.sequences.forget();
        self.sequences
    }

    /// The head, the number of events appended and the checkpoints saved by committed units.
    pub(crate) fn into_effects(self) -> (u64, u64, Vec<(String, u64)>, Sequences) {
        (self.head, self.appended, self.saved_checkpoints, self.sequences)
    }

    /// The instant every event of this transaction is recorded at.
    pub fn recorded_at(&self) -> DateTime<Utc> {
        from_micros(self.recorded_at)
    }

    /// The position of the last event, including those appended so far in this transaction.
    pub fn head(&self) -> u64 {
        self.head
    }

    /// The connection inside the transaction, for the caller's own tables (lookups, read
    /// models, delivery queues) written atomically with its events. Never for `events`.
    pub fn sql(&self) -> &Db<'c> {
        &self.conn
    }

    /// The version of a stream's last event; `None` when the stream does not exist.
    pub fn stream_version(&self, stream: &str) -> Result<Option<u64>, StorageError> {
        if let Some(known) = self.versions.borrow().get(stream) {
            return Ok(known);
        }
        let version = self.stored_version(stream)?;
        self.versions.borrow_mut().learn(stream, version);
        Ok(version)
    }

    /// The version of a stream's last event as stored, not as this batch remembers it.
    pub(crate) fn stored_version(&self, stream: &str) -> Result<Option<u64>, StorageError> {
        let mut query =
            self.conn.prepare_cached("SELECT version FROM events WHERE stream = ?1 ORDER BY version DESC LIMIT 1")?;
        Ok(query.query_row([stream], |row| row.get(0)).optional()?)
    }

    /// A stream's events from `from_version` on, as this transaction sees them.
    pub fn read_stream(&self, stream: &str, from_version: u64) -> Result<Vec<RecordedEvent>, StorageError> {
        let events = crate::reader::read_stream(&self.conn, stream, from_version)?;
        if from_version <= 1 {
            // The whole stream: its last event is its version.
            self.versions.borrow_mut().learn(stream, events.last().map(|event| event.version));
        }
        Ok(events)
    }

    /// The next id of a kind, from its sequence; undone if the unit rolls back.
    pub fn next_id(&mut self, kind: IdKind) -> Result<u64, StorageError> {
        Ok(self.sequences.next(&self.conn, kind.sequence())?)
    }

    /// An id allocator for the pure decisions of `domain`; check [`TxIds::finish`] after deciding.
    pub fn ids(&mut self) -> TxIds<'_, 'c> {
        TxIds { tx: self, error: None }
    }

    /// Records that consumer `name` has processed everything up to `position`.
    pub fn save_checkpoint(&mut self, name: &str, position: u64) -> Result<(), StorageError> {
        let mut save = self.conn.prepare_cached(
            "INSERT INTO checkpoints (name, position, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
        )?;
        save.execute((name, position, self.recorded_at))?;
        self.saved_checkpoints.push((name.to_owned(), position));
        Ok(())
    }
}

/// Allocates ids inside a transaction; the first storage error is kept for [`TxIds::finish`].
pub struct TxIds<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    error: Option<StorageError>,
}

impl IdAllocator for TxIds<'_, '_> {
    fn next_id(&mut self, kind: IdKind) -> u64 {
        match self.tx.next_id(kind) {
            Ok(id) => id,
            Err(error) => {
                self.error.get_or_insert(error);
                0
            }
        }
    }
}

impl TxIds<'_, '_> {
    /// Fails if any allocation failed (the ids handed out are then meaningless).
    pub fn finish(self) -> Result<(), StorageError> {
        self.error.map_or(Ok(()), Err)
    }
}
