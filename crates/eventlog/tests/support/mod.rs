//! A store to run one contract test body on: a SQLite file in a temp dir, or a fresh database on
//! the PostgreSQL server named by `DEALFLOW_TEST_POSTGRES` (each test its own, so they run in
//! parallel). Several [`Log`]s opened on one store stand for several processes.

#![allow(dead_code)] // each test binary uses a part of it

use std::ops::Deref;
use std::time::Duration;

use eventlog::{Database, EventLog, EventStore, LogSettings, StorageError, migrations};

pub const POSTGRES_ENV: &str = "DEALFLOW_TEST_POSTGRES";

pub enum Store {
    Sqlite(tempfile::TempDir),
    Postgres(TestDatabase),
}

/// One open log, of either backend.
pub struct Log(pub EventStore);

impl Deref for Log {
    type Target = dyn EventLog;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Store {
    pub fn sqlite() -> Self {
        Store::Sqlite(tempfile::tempdir().unwrap())
    }

    pub fn postgres() -> Self {
        Store::Postgres(TestDatabase::create())
    }

    /// Opens another log on this store, as another process would.
    pub fn open(&self) -> Log {
        self.open_polling_every(Duration::from_secs(1))
    }

    /// Opens a log whose PostgreSQL listener polls the head only this often.
    pub fn open_polling_every(&self, poll: Duration) -> Log {
        let settings = LogSettings { poll, ..LogSettings::default() };
        Log(EventStore::open_database(&self.database(), migrations::MIGRATIONS, settings).unwrap())
    }

    /// Where this store lives, as `DEALFLOW_DATABASE` would name it.
    pub fn database(&self) -> Database {
        match self {
            Store::Sqlite(dir) => Database::Sqlite(dir.path().join("log.db")),
            Store::Postgres(db) => Database::Postgres(db.url.clone()),
        }
    }

    /// Runs one statement on a connection of its own, as an operator with a SQL shell would.
    pub fn execute(&self, sql: &str) -> Result<(), String> {
        match self {
            Store::Sqlite(dir) => {
                let conn = eventlog::open_connection(&dir.path().join("log.db")).unwrap();
                conn.execute(sql, []).map(drop).map_err(|e| e.to_string())
            }
            Store::Postgres(db) => db.client(move |client| {
                client.batch_execute(sql).map_err(|e| e.as_db_error().map_or(e.to_string(), |d| d.message().to_owned()))
            }),
        }
    }
}

impl Log {
    /// Saves a checkpoint in a write of its own.
    pub async fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), StorageError> {
        let name = name.to_owned();
        self.0.write(move |tx| tx.save_checkpoint(&name, position)).await
    }
}

/// A database of its own on the test server, dropped with it.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl TestDatabase {
    pub fn create() -> Self {
        let admin_url = std::env::var(POSTGRES_ENV).unwrap_or_else(|_| {
            panic!(
                "{POSTGRES_ENV} is not set: this test needs a PostgreSQL server. Run `.ci/run`, or \
                 `.ci/postgres start` and export {POSTGRES_ENV}=<the postgres:// URL it prints>"
            )
        });
        let name = format!("dealflow_test_{}", uuid::Uuid::new_v4().simple());
        let (server, _) = admin_url.rsplit_once('/').expect("a postgres://user@host:port/db URL");
        let url = format!("{server}/{name}");
        let database = Self { admin_url, name, url };
        let create = format!("CREATE DATABASE {}", database.name);
        database.admin(move |client| client.batch_execute(&create)).unwrap();
        database
    }

    /// Runs `work` on a connection to this database, on a thread of its own (the synchronous
    /// client must not run on an async runtime's thread).
    pub fn client<T: Send>(&self, work: impl FnOnce(&mut postgres::Client) -> T + Send) -> T {
        on_thread(&self.url, work)
    }

    fn admin<T: Send>(&self, work: impl FnOnce(&mut postgres::Client) -> T + Send) -> T {
        on_thread(&self.admin_url, work)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let drop_database = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = self.admin(move |client| client.batch_execute(&drop_database));
    }
}

fn on_thread<T: Send>(url: &str, work: impl FnOnce(&mut postgres::Client) -> T + Send) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
                work(&mut client)
            })
            .join()
            .unwrap()
    })
}
