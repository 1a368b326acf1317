//! The [`EventLog`] on PostgreSQL: [`PostgresEventLog`].
//!
//! - [`writer`] group-commits appends and checkpoints on one connection per process; every batch
//!   locks the `log_head` row (the one serialised append point) and numbers its events after it.
//! - [`plan`] decides the batch's appends in memory ([`decide`] for each) from what [`append`]
//!   reads of the log, which then inserts them in one statement; a refused append writes nothing.
//! - [`reader`] holds the queries, run on an r2d2 pool; [`listener`] turns `LISTEN/NOTIFY` (and
//!   a backstop poll) into [`CommitListener`] wake-ups; [`migrations`] applies
//!   `migrations/postgres/` under an advisory lock; [`blocking`] keeps the synchronous client
//!   off async threads.

mod append;
mod blocking;
mod decide;
mod listener;
pub mod migrations;
mod plan;
mod reader;
mod writer;

use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use domain::ids::StreamName;
use futures::future::BoxFuture;
use postgres::{Config, NoTls};
use r2d2_postgres::PostgresConnectionManager;
use tokio::sync::oneshot;

pub use migrations::MIGRATIONS;

use self::blocking::off_runtime;
use self::writer::Request;
use crate::notify::{CommitListener, Notifier};
use crate::{
    AppendError, Appended, EventFilter, EventLog, ExpectedVersion, Migration, NewEvent, RecordedEvent, StorageError,
};

/// Tuning of the PostgreSQL log.
#[derive(Clone, Debug)]
pub struct PostgresSettings {
    /// Most requests committed in one transaction; 1 turns group commit off.
    pub max_batch: usize,
    /// Reader connections in the pool.
    pub readers: u32,
    /// How often the listener reads the head itself, in case a notification was missed.
    pub poll: Duration,
}

impl Default for PostgresSettings {
    fn default() -> Self {
        Self { max_batch: 1024, readers: 8, poll: Duration::from_secs(1) }
    }
}

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// The event log in a PostgreSQL database, with a pool of readers, the group-commit writer and
/// the commit listener. Any number of processes may open the same database. Cheap to clone.
#[derive(Clone)]
pub struct PostgresEventLog {
    inner: Arc<Inner>,
}

struct Inner {
    readers: Option<Pool>,
    writer: Sender<Request>,
    notifier: Arc<Notifier>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Pooled clients close their connections on drop, which must happen off async threads.
        if let Some(readers) = self.readers.take() {
            off_runtime(move || drop(readers));
        }
    }
}

impl PostgresEventLog {
    /// Connects to `url` (`postgres://user@host:port/db`), applies `migrations` under the
    /// migration lock, and starts the writer and listener threads.
    pub fn open(url: &str, migrations: &[Migration], settings: PostgresSettings) -> Result<Self, StorageError> {
        let config: Config = url.parse()?;
        off_runtime(|| Self::open_with(config, migrations, settings))
    }

    fn open_with(config: Config, migrations: &[Migration], settings: PostgresSettings) -> Result<Self, StorageError> {
        let mut client = config.connect(NoTls)?;
        self::migrations::apply(&mut client, migrations)?;
        let notifier = Arc::new(Notifier::new(reader::head(&mut client)?));
        drop(client);
        let thread_failed = |e: std::io::Error| StorageError::CommitFailed(format!("cannot start a log thread: {e}"));
        let writer = writer::spawn(config.clone(), settings.max_batch, notifier.clone()).map_err(thread_failed)?;
        listener::spawn(config.clone(), Arc::downgrade(&notifier), settings.poll).map_err(thread_failed)?;
        let manager = PostgresConnectionManager::new(config, NoTls);
        // Connections are opened as reads need them: a server's connection slots are shared by
        // every node (and r2d2 would otherwise open all of them at once).
        let readers = r2d2::Pool::builder().max_size(settings.readers.max(1)).min_idle(Some(1)).build(manager)?;
        Ok(Self { inner: Arc::new(Inner { readers: Some(readers), writer, notifier }) })
    }

    /// Records that consumer `name` has processed everything up to `position`; durable when the
    /// future resolves. (Units that write a checkpoint with their own effects come with the
    /// ported stores.)
    pub fn save_checkpoint(&self, name: &str, position: u64) -> BoxFuture<'static, Result<(), StorageError>> {
        let (reply, answer) = oneshot::channel();
        let request = Request::Checkpoint { name: name.to_owned(), position, reply };
        let sent = self.inner.writer.send(request).is_ok();
        Box::pin(async move {
            if !sent {
                return Err(StorageError::WriterStopped);
            }
            answer.await.unwrap_or(Err(StorageError::WriterStopped))
        })
    }

    /// Runs a read on a pooled connection, off the async runtime's threads.
    fn read<T: Send>(
        &self,
        read: impl FnOnce(&mut postgres::Client) -> Result<T, StorageError> + Send,
    ) -> Result<T, StorageError> {
        let Some(readers) = &self.inner.readers else { return Err(StorageError::WriterStopped) };
        off_runtime(|| read(&mut *readers.get()?))
    }
}

impl EventLog for PostgresEventLog {
    fn append(
        &self,
        stream: StreamName,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> BoxFuture<'static, Result<Appended, AppendError>> {
        let (reply, answer) = oneshot::channel();
        let sent = self.inner.writer.send(Request::Append { stream, expected, events, reply }).is_ok();
        Box::pin(async move {
            if !sent {
                return Err(StorageError::WriterStopped.into());
            }
            answer.await.unwrap_or_else(|_| Err(StorageError::WriterStopped.into()))
        })
    }

    fn read_stream(&self, stream: &str, from_version: u64) -> Result<Vec<RecordedEvent>, StorageError> {
        self.read(|client| reader::read_stream(client, stream, from_version))
    }

    fn read_all(&self, after: u64, limit: usize, filter: &EventFilter) -> Result<Vec<RecordedEvent>, StorageError> {
        self.read(|client| reader::read_all(client, after, limit, filter))
    }

    fn head(&self) -> Result<u64, StorageError> {
        self.read(reader::head)
    }

    fn subscribe(&self) -> CommitListener {
        self.inner.notifier.listen()
    }

    fn checkpoint(&self, name: &str) -> Result<u64, StorageError> {
        self.read(|client| reader::checkpoint(client, name))
    }
}
