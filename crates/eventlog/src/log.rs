//! The [`EventLog`] contract and [`EventStore`], which keeps it on SQLite or PostgreSQL.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use domain::ids::StreamName;
use futures::future::BoxFuture;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::OpenFlags;

use crate::connection::{BUSY_TIMEOUT, STATEMENT_CACHE, open_connection};
use crate::database::Database;
use crate::migrations::{self, Migration};
use crate::notify::{CommitListener, Notifier};
use crate::readers::Readers;
use crate::session::Session;
use crate::sql::{Db, PgConn, PgManager};
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

/// Tuning of the log.
#[derive(Clone, Debug)]
pub struct LogSettings {
    /// Most write units committed in one transaction; 1 turns group commit off.
    pub max_batch: usize,
    /// Reader connections in the pool.
    pub readers: u32,
    /// PostgreSQL: how often the commit listener reads the head itself, in case a notification
    /// was missed.
    pub poll: Duration,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { max_batch: 1024, readers: 8, poll: Duration::from_secs(1) }
    }
}

/// The event log and every table written with it, in one SQLite file (WAL,
/// `synchronous=FULL`) or one PostgreSQL database, with a pool of readers and the group-commit
/// writer. Cheap to clone. Callers see [`Db`] connections and [`Transaction`]s, never the
/// backend.
#[derive(Clone)]
pub struct EventStore {
    inner: Arc<Inner>,
}

struct Inner {
    _checkpointer: Option<crate::checkpointer::Checkpointer>,
    database: Database,
    readers: Readers,
    writer: Sender<Box<dyn Job>>,
    notifier: Arc<Notifier>,
}

impl EventStore {
    /// Opens (creating if needed) the SQLite database at `path`, applies `migrations`, and
    /// starts the writer thread.
    pub fn open(path: &Path, migrations: &[Migration], settings: LogSettings) -> Result<Self, StorageError> {
        Self::open_database(&Database::Sqlite(path.to_owned()), migrations, settings)
    }

    /// Opens the database a setting names (see [`Database::parse`]), applies `migrations` in its
    /// dialect, and starts the writer thread (and on PostgreSQL the commit listener).
    pub fn open_database(
        database: &Database,
        migrations: &[Migration],
        settings: LogSettings,
    ) -> Result<Self, StorageError> {
        match database {
            Database::Sqlite(path) => Self::open_sqlite(path, migrations, settings),
            Database::Postgres(url) => {
                let config: postgres::Config = url.parse().map_err(crate::sql::SqlError::from)?;
                crate::pg::off_runtime(|| Self::open_postgres(url, config, migrations, settings))
            }
        }
    }

    fn open_sqlite(path: &Path, migrations: &[Migration], settings: LogSettings) -> Result<Self, StorageError> {
        let conn = open_connection(path)?;
        migrations::apply(&Db::sqlite(&conn), migrations)?;
        // The checkpointer thread copies most WAL frames; the writer checkpoints (and so lets the
        // WAL restart) only once the WAL reaches this many pages (~32 MB).
        conn.execute_batch("PRAGMA wal_autocheckpoint = 1000")?;
        let checkpointer = crate::checkpointer::spawn(path)?;
        let notifier = Arc::new(Notifier::new(reader::head(&Db::sqlite(&conn))?));
        let writer = writer::spawn(Session::Sqlite(conn), settings.max_batch, notifier.clone())
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
            inner: Arc::new(Inner {
                _checkpointer: Some(checkpointer),
                database: Database::Sqlite(path.to_owned()),
                readers: Readers::Sqlite(readers),
                writer,
                notifier,
            }),
        })
    }

    fn open_postgres(
        url: &str,
        config: postgres::Config,
        migrations: &[Migration],
        settings: LogSettings,
    ) -> Result<Self, StorageError> {
        let mut conn = PgConn::connect(&config)?;
        migrations::apply(&Db::postgres(&mut conn), migrations)?;
        let notifier = Arc::new(Notifier::new(reader::head(&Db::postgres(&mut conn))?));
        let thread_failed = |e: std::io::Error| StorageError::CommitFailed(format!("cannot start a log thread: {e}"));
        let session = Session::Postgres { config: Box::new(config.clone()), conn: Some(Box::new(conn)) };
        let writer = writer::spawn(session, settings.max_batch, notifier.clone()).map_err(thread_failed)?;
        crate::pg::listener::spawn(config.clone(), Arc::downgrade(&notifier), settings.poll).map_err(thread_failed)?;
        // Connections are opened as reads need them: a server's connection slots are shared by
        // every node (and r2d2 would otherwise open all of them at once).
        let readers = r2d2::Pool::builder()
            .max_size(settings.readers.max(1))
            .min_idle(Some(1))
            // A server that is down answers /ready (503) in seconds, not r2d2's default 30 s.
            .connection_timeout(Duration::from_secs(5))
            .build(PgManager::new(config))?;
        Ok(Self {
            inner: Arc::new(Inner {
                _checkpointer: None,
                database: Database::Postgres(url.to_owned()),
                readers: Readers::Postgres(Some(readers)),
                writer,
                notifier,
            }),
        })
    }

    /// The database this store lives in.
    pub fn database(&self) -> &Database {
        &self.inner.database
    }

    /// The SQLite file, when the store is one.
    pub fn path(&self) -> Option<&Path> {
        match &self.inner.database {
            Database::Sqlite(path) => Some(path),
            Database::Postgres(_) => None,
        }
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

    /// Runs a read on a pooled connection (blocking; see [`EventStore::read_async`]).
    pub fn read<T, E, F>(&self, read: F) -> Result<T, E>
    where
        F: FnOnce(&Db<'_>) -> Result<T, E> + Send,
        T: Send,
        E: From<StorageError> + Send,
    {
        self.inner.readers.read(read)
    }

    /// Runs a read on a pooled connection off the async runtime's threads.
    pub async fn read_async<T, E, F>(&self, read: F) -> Result<T, E>
    where
        F: FnOnce(&Db<'_>) -> Result<T, E> + Send + 'static,
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

impl EventLog for EventStore {
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
