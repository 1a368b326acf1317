//! A PostgreSQL connection as the stores use it: the client, the statements it has prepared
//! (each SQL text is parsed once per connection, as rusqlite's statement cache does), and the
//! r2d2 manager that opens it.

use std::collections::HashMap;

use postgres::{Client, Config, NoTls, Statement};

use super::SqlError;
use super::placeholders::to_postgres;

/// Prepared statements kept per connection before the cache starts over (run-time built
/// listing queries come in bounded shapes, but a bound keeps memory flat regardless).
const STATEMENT_CACHE: usize = 512;

/// One PostgreSQL session.
pub struct PgConn {
    pub(crate) client: Client,
    statements: HashMap<String, Statement>,
}

impl PgConn {
    /// Opens a session.
    pub fn connect(config: &Config) -> Result<Self, SqlError> {
        let mut client = config.connect(NoTls)?;
        // `CREATE … IF NOT EXISTS` and the like would log a NOTICE at every start and command.
        client.batch_execute("SET client_min_messages TO warning")?;
        Ok(Self::from_client(client))
    }

    pub(crate) fn from_client(client: Client) -> Self {
        Self { client, statements: HashMap::new() }
    }

    /// The prepared form of `sql` (written with SQLite markers), preparing it on first use.
    pub(crate) fn statement(&mut self, sql: &str) -> Result<Statement, SqlError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&to_postgres(sql))?;
        if self.statements.len() >= STATEMENT_CACHE {
            self.statements.clear();
        }
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Whether the session is gone (the server closed it, or the network failed).
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }
}

/// Opens pooled [`PgConn`]s.
pub struct PgManager {
    config: Config,
}

impl PgManager {
    pub fn new(config: Config) -> Self {
        Self { config }
    }
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConn;
    type Error = SqlError;

    fn connect(&self) -> Result<PgConn, SqlError> {
        PgConn::connect(&self.config)
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), SqlError> {
        conn.client.simple_query("")?;
        Ok(())
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.is_closed()
    }
}
