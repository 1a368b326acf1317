//! Where a test application keeps its data. By default a SQLite file in the test's temp dir; with
//! `DEALFLOW_TEST_DATABASE=postgres://user@host:port/db` (any database on a server the tests may
//! create databases on) every test gets a fresh PostgreSQL database of its own instead, so that
//! the whole suite runs on either store, selected by that one variable.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use eventlog::sql::{Db, PgConn};

/// Names the PostgreSQL server the suite runs on; unset, it runs on SQLite.
pub const STORE_ENV: &str = "DEALFLOW_TEST_DATABASE";

/// The master key of every test node on PostgreSQL, where there is no key file beside a database.
pub const TEST_MASTER_KEY: &str = "dGVzdC1tYXN0ZXIta2V5LXRlc3QtbWFzdGVyLWtleTE=";

/// A test's store.
pub enum TestStore {
    Sqlite(PathBuf),
    Postgres(PgDatabase),
}

impl TestStore {
    /// The store of the suite's choice for one test, with its SQLite file (if any) in `dir`.
    pub fn for_test(dir: &Path) -> Self {
        match std::env::var(STORE_ENV) {
            Ok(server) if !server.is_empty() => TestStore::Postgres(PgDatabase::create(&server)),
            _ => TestStore::Sqlite(dir.join("dealflow.db")),
        }
    }

    /// What `DEALFLOW_DATABASE` says to reach it.
    pub fn setting(&self) -> String {
        match self {
            TestStore::Sqlite(path) => path.display().to_string(),
            TestStore::Postgres(db) => db.url.clone(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestStore::Postgres(_))
    }

    /// The SQLite file; `None` on PostgreSQL.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            TestStore::Sqlite(path) => Some(path),
            TestStore::Postgres(_) => None,
        }
    }

    /// Points `settings` at this store (and on PostgreSQL gives the shared master key).
    pub fn configure(&self, settings: &mut server::Settings) {
        match self {
            TestStore::Sqlite(path) => (settings.database.path, settings.database.url) = (path.clone(), None),
            TestStore::Postgres(db) => {
                settings.database.url = Some(db.url.clone());
                settings.ingest.master_key = Some(domain::values::Secret::new(TEST_MASTER_KEY));
            }
        }
    }

    /// The environment a `dealflow` process needs to open this store.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let mut env = vec![("DEALFLOW_DATABASE", self.setting())];
        if self.is_postgres() {
            env.push(("DEALFLOW_MASTER_KEY", TEST_MASTER_KEY.to_owned()));
        }
        env
    }
}

/// A database of its own on the test server, made from a migrated template, dropped with it.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    fn create(server: &str) -> Self {
        let template = template(server);
        let name = format!("dealflow_test_{}", uuid::Uuid::new_v4().simple());
        let url = with_database(server, &name);
        admin(server, &format!("CREATE DATABASE {name} TEMPLATE {template}"));
        Self { admin_url: server.to_owned(), name, url }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        admin(&self.admin_url, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}

/// A database with every migration applied, made once per test process: copying it is much
/// faster than migrating each test's database.
fn template(server: &str) -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let name = format!("dealflow_template_{}", uuid::Uuid::new_v4().simple());
        admin(server, &format!("CREATE DATABASE {name}"));
        let url = with_database(server, &name);
        on_thread(move || {
            let mut conn = PgConn::connect(&url.parse().expect("a postgres:// URL")).expect("the template connects");
            eventlog::migrations::apply(&Db::postgres(&mut conn), &server::migrations::all())
                .expect("the migrations apply on PostgreSQL");
        });
        name
    })
}

fn with_database(server: &str, name: &str) -> String {
    let (base, _) = server.rsplit_once('/').expect("a postgres://user@host:port/db URL");
    format!("{base}/{name}")
}

/// Runs one statement on the server's own database.
fn admin(server: &str, sql: &str) {
    let (server, sql) = (server.to_owned(), sql.to_owned());
    on_thread(move || {
        let mut client = postgres::Client::connect(&server, postgres::NoTls).expect("the test server answers");
        client.batch_execute(&sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    });
}

/// The synchronous client must not run on an async runtime's thread.
fn on_thread(work: impl FnOnce() + Send + 'static) {
    std::thread::spawn(work).join().expect("the PostgreSQL work succeeds");
}
