//! The [`EventLog`] contract and its SQLite implementation.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use domain::ids::StreamName;
use futures::future::BoxFuture;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags};

use crate::connection::{BUSY_TIMEOUT, STATEMENT_CACHE, open_connection};
use crate::migrations::{self, Migration};
use crate::notify::{CommitListener, Notifier};
use crate::transaction::Transaction;
use crate::unit::Job;
use crate::write::Write;
use crate::writer;
use crate::{AppendError, Appended, EventFilter, ExpectedVersion, NewEvent, RecordedEvent, StorageError, reader};

/// The append-only log of SPEC §2. Implementations keep positions gapless and in commit order,
/// make every append durable before answering, and wake subscribers after each commit.
pub trait EventLog: Send + Sync {
    /// Appends events to one stream if it is at the expected version (see
    /// [`Transaction::append`]); durable when the future resolves.
    fn append(
        &self,
        stream: StreamName,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> BoxFuture<'static, Result<Appended, AppendError>>;

    /// A stream's events from `from_version` on.
    fn read_stream(&self, stream: &str, from_version: u64) -> Result<Vec<RecordedEvent>, StorageError>;

    /// Up to `limit` events after position `after`, in position order.
    fn read_all(&self, after: u64, limit: usize, filter: &EventFilter) -> Result<Vec<RecordedEvent>, StorageError>;

    /// The position of the last committed event (0 when empty).
    fn head(&self) -> Result<u64, StorageError>;

    /// A listener woken after each commit.
    fn subscribe(&self) -> CommitListener;

    /// A consumer's checkpoint (0 when it has none).
    fn checkpoint(&self, name: &str) -> Result<u64, StorageError>;
}

/// Tuning of the SQLite log.
#[derive(Clone, Debug)]
pub struct LogSettings {
    /// Most write units committed in one transaction; 1 turns group commit off.
    pub max_batch: usize,
    /// Reader connections in the pool.
    pub readers: u32,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { max_batch: 1024, readers: 8 }
    }
}

/// The event log in one SQLite file (WAL, `synchronous=FULL`), with a pool of readers and the
/// group-commit writer. Cheap to clone.
#[derive(Clone)]
pub struct SqliteEventLog {
    inner: Arc<Inner>,
}

struct Inner {
    _checkpointer: crate::checkpointer::Checkpointer,
    path: PathBuf,
    readers: r2d2::Pool<SqliteConnectionManager>,
    writer: Sender<Box<dyn Job>>,
    notifier: Arc<Notifier>,
}

impl SqliteEventLog {
    /// Opens (creating if needed) the database at `path`, applies `migrations`, and starts the
    /// writer thread.
    pub fn open(path: &Path, migrations: &[Migration], settings: LogSettings) -> Result<Self, StorageError> {
        let mut conn = open_connection(path)?;
        migrations::apply(&mut conn, migrations)?;
        // The checkpointer thread copies most WAL frames; the writer checkpoints (and so lets the
        // WAL restart) only once the WAL reaches this many pages (~32 MB).
        conn.execute_batch("PRAGMA wal_autocheckpoint = 1000")?;
        let checkpointer = crate::checkpointer::spawn(path)?;
        let notifier = Arc::new(Notifier::new(reader::head(&conn)?));
        let writer = writer::spawn(conn, settings.max_batch, notifier.clone())
            .map_err(|e| StorageError::CommitFailed(format!("cannot start the writer thread: {e}")))?;
        let manager = SqliteConnectionManager::file(path)
            .with_flags(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .with_init(|conn| {
                conn.busy_timeout(BUSY_TIMEOUT)?;
                conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
                conn.execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -16000;")
            });
        let readers = r2d2::Pool::builder().max_size(settings.readers.max(1)).build(manager)?;
        Ok(Self {
            inner: Arc::new(Inner { _checkpointer: checkpointer, path: path.to_owned(), readers, writer, notifier }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// A write unit for the next group transaction: await it (or [`Write::wait_blocking`]) to
    /// submit it and hear back once it is durable; pick its isolation first with
    /// [`Write::isolation`]. Under the default `Isolation::Savepoint`, `Err` from the unit rolls
    /// back everything the unit did and nothing else; under `Isolation::Decided` (no savepoint),
    /// a unit must fail before it writes, or its whole group rolls back. A storage failure
    /// reaches the caller as `E::from(StorageError)`.
    pub fn write<T, E, F>(&self, unit: F) -> Write<'_, T, E, F>
    where
        F: FnOnce(&mut Transaction<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        Write::new(&self.inner.writer, unit)
    }

    /// Runs a read on a pooled connection (blocking; see [`SqliteEventLog::read_async`]).
    pub fn read<T, E: From<StorageError>>(&self, read: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E> {
        let conn = self.inner.readers.get().map_err(StorageError::from)?;
        read(&conn)
    }

    /// Runs a read on a pooled connection off the async runtime's threads.
    pub async fn read_async<T, E, F>(&self, read: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        let log = self.clone();
        match tokio::task::spawn_blocking(move || log.read(read)).await {
            Ok(result) => result,
            Err(_) => Err(StorageError::UnitPanicked.into()),
        }
    }

    /// Waits until consumer `name` has processed `position`, at most `timeout`. Answers
    /// whether it did. Checkpoints saved by another process are noticed by polling.
    pub async fn wait_for_checkpoint(&self, name: &str, position: u64, timeout: Duration) -> bool {
        // A consumer running in this process publishes its checkpoints: then no read is needed.
        let stored = match self.inner.notifier.published_checkpoint(name) {
            Some(published) => published,
            None => self.checkpoint(name).unwrap_or(0),
        };
        if stored >= position {
            return true;
        }
        let mut receiver = self.inner.notifier.listen_checkpoint(name, stored);
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let poll = tokio::time::Instant::now() + Duration::from_millis(100);
            let wait = receiver.wait_for(|reached| *reached >= position);
            if let Ok(Ok(_)) = tokio::time::timeout_at(poll.min(deadline), wait).await {
                return true;
            }
            if self.checkpoint(name).unwrap_or(0) >= position {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
        }
    }
}

impl EventLog for SqliteEventLog {
    fn append(
        &self,
        stream: StreamName,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> BoxFuture<'static, Result<Appended, AppendError>> {
        let log = self.clone();
        Box::pin(async move { log.write(move |tx| tx.append(&stream, expected, &events)).await })
    }

    fn read_stream(&self, stream: &str, from_version: u64) -> Result<Vec<RecordedEvent>, StorageError> {
        self.read(|conn| reader::read_stream(conn, stream, from_version))
    }

    fn read_all(&self, after: u64, limit: usize, filter: &EventFilter) -> Result<Vec<RecordedEvent>, StorageError> {
        self.read(|conn| reader::read_all(conn, after, limit, filter))
    }

    fn head(&self) -> Result<u64, StorageError> {
        self.read(reader::head)
    }

    fn subscribe(&self) -> CommitListener {
        self.inner.notifier.listen()
    }

    fn checkpoint(&self, name: &str) -> Result<u64, StorageError> {
        self.read(|conn| reader::checkpoint(conn, name))
    }
}
