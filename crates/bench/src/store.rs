//! Where a benchmark run's server keeps its data: a SQLite file in the run's temp dir, or with
//! `--database postgres://user@host:port/db` a fresh database of its own on that server (created
//! for the run, dropped after it), so that both stores are measured by the same scenarios.

use std::path::Path;

use eventlog::Database;
use eventlog::sql::{Db, PgConn};

/// The master key of benchmark servers on PostgreSQL, where there is no key file.
const MASTER_KEY: &str = "YmVuY2gtbWFzdGVyLWtleS1iZW5jaC1tYXN0ZXIta2V5MTI=";

/// One run's store.
pub struct Store {
    pub database: Database,
    /// The server and database name to drop afterwards (PostgreSQL only).
    created: Option<(String, String)>,
}

impl Store {
    /// A fresh store: on the PostgreSQL server `server` names, or a SQLite file in `dir`.
    pub fn fresh(dir: &Path, server: Option<&str>) -> anyhow::Result<Self> {
        let Some(server) = server else {
            return Ok(Self { database: Database::Sqlite(dir.join("dealflow.db")), created: None });
        };
        let name = format!("dealflow_bench_{}", uuid::Uuid::new_v4().simple());
        let (base, _) = server.rsplit_once('/').ok_or_else(|| anyhow::anyhow!("{server}: not a postgres:// URL"))?;
        admin(server, &format!("CREATE DATABASE {name}"))?;
        Ok(Self { database: Database::Postgres(format!("{base}/{name}")), created: Some((server.to_owned(), name)) })
    }

    /// What a `dealflow` process needs to open it.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        match &self.database {
            Database::Sqlite(path) => vec![("DEALFLOW_DATABASE", path.display().to_string())],
            Database::Postgres(url) => {
                vec![("DEALFLOW_DATABASE", url.clone()), ("DEALFLOW_MASTER_KEY", MASTER_KEY.to_owned())]
            }
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.created {
            let _ = admin(server, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// Runs `read` on a connection of its own to `database`, on a thread of its own (the
/// synchronous PostgreSQL client must not run on the benchmark's async threads).
pub fn read<T: Send>(database: &Database, read: impl FnOnce(&Db<'_>) -> anyhow::Result<T> + Send) -> anyhow::Result<T> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| match database {
                Database::Sqlite(path) => read(&Db::sqlite_owned(eventlog::open_connection(path)?)),
                Database::Postgres(url) => read(&Db::postgres(&mut PgConn::connect(&url.parse()?)?)),
            })
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the store's reader panicked")))
    })
}

fn admin(server: &str, sql: &str) -> anyhow::Result<()> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut client = postgres::Client::connect(server, postgres::NoTls)?;
                Ok(client.batch_execute(sql)?)
            })
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the PostgreSQL admin thread panicked")))
    })
}
