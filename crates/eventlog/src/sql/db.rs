//! [`Db`]: a connection (or the writer's open transaction) on either backend, with the
//! statement API the stores use. Its methods mirror rusqlite's `Connection` and `Statement`, so
//! one store function and one SQL text serve SQLite and PostgreSQL alike.

use std::cell::{Cell, RefCell};

use super::pg_types::PgParam;
use super::row::Row;
use super::rows::Rows;
use super::{Dialect, Params, PgConn, SqlError, ValueRef};

/// A connection on either backend. Cheap to make: wrap a connection for the length of a read
/// or a write unit.
pub struct Db<'c> {
    backend: Backend<'c>,
    /// Rows changed through this handle on PostgreSQL (SQLite counts its own).
    changes: Cell<u64>,
    /// Whether a PostgreSQL statement failed, which aborts the open transaction.
    failed: Cell<bool>,
}

enum Backend<'c> {
    Sqlite(&'c rusqlite::Connection),
    /// A connection the handle owns (tests' in-memory databases, one-off tools).
    SqliteOwned(Box<rusqlite::Connection>),
    Postgres(RefCell<&'c mut PgConn>),
}

impl Backend<'_> {
    fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Backend::Sqlite(conn) => Some(conn),
            Backend::SqliteOwned(conn) => Some(conn),
            Backend::Postgres(_) => None,
        }
    }
}

impl<'c> Db<'c> {
    pub fn sqlite(conn: &'c rusqlite::Connection) -> Self {
        Self::new(Backend::Sqlite(conn))
    }

    /// A handle that owns its SQLite connection.
    pub fn sqlite_owned(conn: rusqlite::Connection) -> Db<'static> {
        Db::new(Backend::SqliteOwned(Box::new(conn)))
    }

    /// A fresh in-memory SQLite database (tests of a store's SQL).
    pub fn sqlite_memory() -> Result<Db<'static>, SqlError> {
        Ok(Db::sqlite_owned(rusqlite::Connection::open_in_memory()?))
    }

    pub fn postgres(conn: &'c mut PgConn) -> Self {
        Self::new(Backend::Postgres(RefCell::new(conn)))
    }

    fn new(backend: Backend<'c>) -> Self {
        Self { backend, changes: Cell::new(0), failed: Cell::new(false) }
    }

    /// Which SQL dialect this connection speaks, for the few statements written twice.
    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) | Backend::SqliteOwned(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The statement for `sql` (SQLite's `?N` markers), prepared once per connection.
    pub fn prepare_cached<'s>(&'s self, sql: &str) -> Result<Statement<'s, 'c>, SqlError> {
        Ok(match self.backend.sqlite() {
            Some(conn) => Statement { db: self, sql: String::new(), sqlite: Some(conn.prepare_cached(sql)?) },
            // PostgreSQL prepares when the statement first runs on this connection.
            None => Statement { db: self, sql: sql.to_owned(), sqlite: None },
        })
    }

    /// Same as [`Db::prepare_cached`]; both backends cache every statement.
    pub fn prepare<'s>(&'s self, sql: &str) -> Result<Statement<'s, 'c>, SqlError> {
        self.prepare_cached(sql)
    }

    /// Runs one statement; answers the rows it changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> Result<usize, SqlError> {
        self.prepare_cached(sql)?.execute(params)
    }

    /// The first row of a query, mapped; [`SqlError::NoRows`] when there is none.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: impl Params,
        map: impl FnOnce(&Row<'_>) -> Result<T, SqlError>,
    ) -> Result<T, SqlError> {
        self.prepare_cached(sql)?.query_row(params, map)
    }

    /// Runs a transaction-control statement (`BEGIN`, `SAVEPOINT unit`, `COMMIT` …): prepared once
    /// on SQLite, sent as a simple query on PostgreSQL.
    pub fn control(&self, sql: &str) -> Result<(), SqlError> {
        match (&self.backend, self.backend.sqlite()) {
            (_, Some(conn)) => conn.prepare_cached(sql)?.execute([]).map(drop).map_err(Into::into),
            (Backend::Postgres(conn), _) => self.watch(conn.borrow_mut().client.batch_execute(sql)),
            _ => unreachable!("a backend is SQLite or PostgreSQL"),
        }
    }

    /// Runs statements without parameters, separated by semicolons.
    pub fn execute_batch(&self, sql: &str) -> Result<(), SqlError> {
        match (&self.backend, self.backend.sqlite()) {
            (_, Some(conn)) => Ok(conn.execute_batch(sql)?),
            (Backend::Postgres(conn), _) => self.watch(conn.borrow_mut().client.batch_execute(sql)),
            _ => unreachable!("a backend is SQLite or PostgreSQL"),
        }
    }

    /// Rows changed through this connection so far: how a writer tells whether a unit wrote.
    pub fn total_changes(&self) -> u64 {
        match self.backend.sqlite() {
            Some(conn) => conn.total_changes(),
            None => self.changes.get(),
        }
    }

    /// Whether the open transaction is gone: SQLite rolled it back itself (disk full, I/O
    /// error). Nothing but a new transaction helps.
    pub fn transaction_lost(&self) -> bool {
        self.backend.sqlite().is_some_and(rusqlite::Connection::is_autocommit)
    }

    /// Whether a PostgreSQL statement failed since the last savepoint rollback, which leaves the
    /// transaction unable to go on until it rolls back (to a savepoint, or entirely). A failed
    /// SQLite statement leaves its transaction usable, so this is `false` there.
    pub fn statement_failed(&self) -> bool {
        self.failed.get()
    }

    /// After `ROLLBACK TO` a savepoint, a PostgreSQL transaction is usable again.
    pub(crate) fn recovered(&self) {
        self.failed.set(false);
    }

    fn watch<T>(&self, result: Result<T, postgres::Error>) -> Result<T, SqlError> {
        result.map_err(|error| {
            self.failed.set(true);
            error.into()
        })
    }

    fn pg_execute(&self, conn: &RefCell<&'c mut PgConn>, sql: &str, params: &[ValueRef<'_>]) -> Result<u64, SqlError> {
        let mut conn = conn.borrow_mut();
        let statement = conn.statement(sql).inspect_err(|_| self.failed.set(true))?;
        let bound: Vec<PgParam<'_>> = params.iter().map(|v| PgParam(*v)).collect();
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = bound.iter().map(|p| p as _).collect();
        let changed = self.watch(conn.client.execute(&statement, &refs))?;
        self.changes.set(self.changes.get() + changed);
        Ok(changed)
    }

    fn pg_query(
        &self,
        conn: &RefCell<&'c mut PgConn>,
        sql: &str,
        params: &[ValueRef<'_>],
    ) -> Result<Vec<postgres::Row>, SqlError> {
        let mut conn = conn.borrow_mut();
        let statement = conn.statement(sql).inspect_err(|_| self.failed.set(true))?;
        let bound: Vec<PgParam<'_>> = params.iter().map(|v| PgParam(*v)).collect();
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = bound.iter().map(|p| p as _).collect();
        let rows = self.watch(conn.client.query(&statement, &refs))?;
        if is_write(sql) {
            self.changes.set(self.changes.get() + rows.len() as u64);
        }
        Ok(rows)
    }
}

/// Whether a statement that returns rows also changes them (`INSERT … RETURNING`).
fn is_write(sql: &str) -> bool {
    let first = sql.split_whitespace().next().unwrap_or_default();
    ["INSERT", "UPDATE", "DELETE", "WITH"].iter().any(|w| first.eq_ignore_ascii_case(w))
}

/// A prepared statement.
pub struct Statement<'s, 'c> {
    db: &'s Db<'c>,
    /// The text, kept for PostgreSQL only.
    sql: String,
    sqlite: Option<rusqlite::CachedStatement<'s>>,
}

impl Statement<'_, '_> {
    /// Runs it; answers the rows it changed.
    pub fn execute(&mut self, params: impl Params) -> Result<usize, SqlError> {
        let values = params.values()?;
        match (&mut self.sqlite, &self.db.backend) {
            (Some(statement), _) => Ok(statement.execute(rusqlite::params_from_iter(values.iter()))?),
            (None, Backend::Postgres(conn)) => {
                Ok(usize::try_from(self.db.pg_execute(conn, &self.sql, &values)?).unwrap_or(usize::MAX))
            }
            (None, _) => unreachable!("a SQLite statement is prepared when made"),
        }
    }

    /// Its rows, to step through with [`Rows::next`].
    pub fn query(&mut self, params: impl Params) -> Result<Rows<'_>, SqlError> {
        let values = params.values()?;
        match (&mut self.sqlite, &self.db.backend) {
            (Some(statement), _) => Ok(Rows::sqlite(statement.query(rusqlite::params_from_iter(values.iter()))?)),
            (None, Backend::Postgres(conn)) => Ok(Rows::postgres(self.db.pg_query(conn, &self.sql, &values)?)),
            (None, _) => unreachable!("a SQLite statement is prepared when made"),
        }
    }

    /// Every row, mapped, collected in order (`collect()` the answer as with rusqlite).
    pub fn query_map<T>(
        &mut self,
        params: impl Params,
        mut map: impl FnMut(&Row<'_>) -> Result<T, SqlError>,
    ) -> Result<std::vec::IntoIter<Result<T, SqlError>>, SqlError> {
        let mut rows = self.query(params)?;
        let mut mapped = Vec::new();
        while let Some(row) = rows.next()? {
            mapped.push(map(&row));
        }
        Ok(mapped.into_iter())
    }

    /// The first row, mapped; [`SqlError::NoRows`] when there is none.
    pub fn query_row<T>(
        &mut self,
        params: impl Params,
        map: impl FnOnce(&Row<'_>) -> Result<T, SqlError>,
    ) -> Result<T, SqlError> {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(row) => map(&row),
            None => Err(SqlError::NoRows),
        }
    }

    /// Whether the query returns any row.
    pub fn exists(&mut self, params: impl Params) -> Result<bool, SqlError> {
        Ok(self.query(params)?.next()?.is_some())
    }
}
