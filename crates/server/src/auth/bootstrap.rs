//! The first-start admin of SPEC §8.

use api::Role;
use domain::values::Secret;
use eventlog::{EventStore, StorageError};

use super::passwords::{hash_password, random_secret};
use super::users;

/// What [`ensure_admin`] found or did.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminSetup {
    /// User `admin` was created; with the generated password when none was configured.
    Created { generated: Option<String> },
    /// The database already had users; a configured password was not used.
    Existed { password_ignored: bool },
}

/// Creates user `admin` when the database has no users. Answers the generated password when
/// none was configured, so that the caller prints it once.
pub async fn ensure_admin(log: &EventStore, configured: Option<&Secret>) -> anyhow::Result<AdminSetup> {
    let existed = AdminSetup::Existed { password_ignored: configured.is_some() };
    if log.read(|conn| users::count(conn).map_err(StorageError::from))? > 0 {
        return Ok(existed);
    }
    let generated = configured.is_none().then(|| random_secret(18));
    let password = configured.map(|s| s.expose().to_owned()).or_else(|| generated.clone()).unwrap_or_default();
    let hash = hash_password(&password)?;
    let created = log
        .write(move |tx| {
            // Checked again inside the write: another process may have started first.
            if users::count(tx.sql())? > 0 {
                return Ok(false);
            }
            users::insert(tx.sql(), "admin", Role::Admin, &hash, tx.recorded_at().timestamp_micros())?;
            Ok::<_, StorageError>(true)
        })
        .await?;
    Ok(if created { AdminSetup::Created { generated } } else { existed })
}
