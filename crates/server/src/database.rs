//! Opening the store. On SQLite, `serve` and `migrate` create the file (private to its owner)
//! and every other command refuses to, so that a wrong path is an error instead of a fresh,
//! empty database. On PostgreSQL the database must exist; migrations create the tables.

use std::path::Path;

use eventlog::{Database, EventStore};

use crate::migrations;
use crate::settings::Settings;

/// Opens the configured database, creating a missing SQLite file with mode 0600, and applies
/// every migration.
pub fn open_or_create(settings: &Settings) -> anyhow::Result<EventStore> {
    let database = settings.database.database();
    if let Database::Sqlite(path) = &database {
        create_private(path)?;
    }
    EventStore::open_database(&database, &migrations::all(), settings.database.log_settings())
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", database.redacted()))
}

/// Opens the configured database; refuses to create a SQLite file.
pub fn open_existing(settings: &Settings) -> anyhow::Result<EventStore> {
    if let Database::Sqlite(path) = settings.database.database()
        && !path.exists()
    {
        let shown = std::path::absolute(&path).unwrap_or(path);
        anyhow::bail!(
            "there is no database at {}; point at the right one with `--config FILE` (database.path) or \
             DEALFLOW_DATABASE=PATH (`dealflow serve` or `dealflow migrate` create a new one)",
            shown.display()
        );
    }
    open_or_create(settings)
}

/// Refuses to go on when the master key is neither configured nor in its file while the
/// database holds sealed secrets: a new key file would silently make every one unreadable.
pub fn require_master_key(log: &EventStore, settings: &Settings) -> anyhow::Result<()> {
    if settings.ingest.master_key.is_some() {
        return Ok(());
    }
    let key_file = ingest::secrets::key_file(&settings.ingest, log.path())?;
    if key_file.exists() {
        return Ok(());
    }
    let sealed: u64 = log.read(|conn| {
        let count = "SELECT (SELECT count(*) FROM sources) + (SELECT count(*) FROM hooks)";
        Ok::<_, eventlog::StorageError>(conn.query_row(count, [], |row| row.get(0))?)
    })?;
    anyhow::ensure!(
        sealed == 0,
        "the master key file {} is missing, but the database holds {sealed} sealed secret(s); restore the \
         file from your backup, or set DEALFLOW_MASTER_KEY (ingest.master_key) to the key they were sealed with",
        key_file.display()
    );
    Ok(())
}

/// Creates an empty database file readable by its owner only. SQLite creates the `-wal` and
/// `-shm` files with the database file's mode, so they are private too.
pub(crate) fn create_private(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    match crate::private_file::options().create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(anyhow::anyhow!("cannot create the database {}: {error}", path.display())),
    }
}
