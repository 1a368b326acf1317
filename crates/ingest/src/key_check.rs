//! Every node must open secrets with the key they were sealed with. The first start seals a known
//! text into `master_key_check`; every later start (of any node, any command) opens it, and a
//! node whose `DEALFLOW_MASTER_KEY` differs refuses to start, saying so, instead of failing every
//! signature later.

use eventlog::sql::{Db, Optional};
use eventlog::{EventStore, StorageError};

use crate::secrets::SecretBox;

/// The text sealed with the key.
const CHECK_TEXT: &str = "dealflow master key check";

/// What a start finds in the database about its key.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyCheck {
    /// The stored check opens with this key.
    Matches,
    /// Nothing is stored yet, and no sealed secret contradicts this key: it is recorded.
    Recorded,
}

/// Checks the key against the database, recording it at the first start. A database from before
/// the check is checked against one of its sealed source secrets instead.
pub async fn verify(log: &EventStore, secrets: &SecretBox) -> anyhow::Result<KeyCheck> {
    let opened = {
        let secrets = secrets.clone();
        log.read_async(move |conn| key_opens(conn, &secrets)).await?
    };
    match opened {
        Some(Opened::Check) => return Ok(KeyCheck::Matches),
        Some(Opened::No) => return Err(refusal()),
        Some(Opened::Legacy) | None => {}
    }
    let sealed = secrets.seal(CHECK_TEXT);
    let recorded = log
        .write(move |tx| {
            let at = tx.recorded_at().timestamp_micros();
            tx.sql().execute(
                "INSERT INTO master_key_check (id, sealed, created_at) VALUES (1, ?1, ?2) ON CONFLICT DO NOTHING",
                (&sealed, at),
            )?;
            stored_check(tx.sql())
        })
        .await?;
    // Another node may have recorded its key first: ours must open what was stored.
    match recorded.map(|sealed| secrets.open(&sealed)) {
        Some(Ok(text)) if text == CHECK_TEXT => Ok(KeyCheck::Recorded),
        _ => Err(refusal()),
    }
}

/// Seals the stored check again with the key of `to` (a master key rotation); nothing when none
/// is stored. Fails when `from` cannot open it.
pub fn reseal(conn: &Db<'_>, from: &SecretBox, to: &SecretBox) -> Result<(), StorageError> {
    let Some(sealed) = stored_check(conn)? else { return Ok(()) };
    let resealed = from.reseal(&sealed, to).map_err(|_| {
        StorageError::Sql(eventlog::sql::SqlError::Invalid(
            "the master key check does not open with the current master key".into(),
        ))
    })?;
    conn.execute("UPDATE master_key_check SET sealed = ?1 WHERE id = 1", [resealed])?;
    Ok(())
}

/// What a key opens of a database's sealed texts.
#[derive(Debug, PartialEq, Eq)]
pub enum Opened {
    /// The stored key check.
    Check,
    /// No check is stored; a source secret sealed before the check existed.
    Legacy,
    /// The sealed text it was tried on: the key is another.
    No,
}

/// Tries `secrets` on the stored key check, else on a source secret sealed before the check
/// existed; `None` when the database holds neither.
pub fn key_opens(conn: &Db<'_>, secrets: &SecretBox) -> Result<Option<Opened>, StorageError> {
    if let Some(sealed) = stored_check(conn)? {
        let opens = secrets.open(&sealed).is_ok_and(|text| text == CHECK_TEXT);
        return Ok(Some(if opens { Opened::Check } else { Opened::No }));
    }
    let legacy = legacy_sealed(conn)?;
    Ok(legacy.map(|sealed| if secrets.open(&sealed).is_ok() { Opened::Legacy } else { Opened::No }))
}

fn stored_check(conn: &Db<'_>) -> Result<Option<String>, StorageError> {
    Ok(conn.query_row("SELECT sealed FROM master_key_check WHERE id = 1", [], |row| row.get(0)).optional()?)
}

/// One source secret sealed before the check existed.
fn legacy_sealed(conn: &Db<'_>) -> Result<Option<String>, StorageError> {
    Ok(conn.query_row("SELECT secret FROM sources ORDER BY id LIMIT 1", [], |row| row.get(0)).optional()?)
}

fn refusal() -> anyhow::Error {
    anyhow::anyhow!(
        "the master key differs from the one this database's secrets were sealed with; start every node \
         with the same DEALFLOW_MASTER_KEY (or master_key_file) as the first one"
    )
}
