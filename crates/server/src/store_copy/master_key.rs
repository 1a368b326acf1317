//! Sealed secrets (source and hook secrets) open only with the key they were sealed with, and
//! the copy moves them as stored bytes. So before copying, the key this command has
//! (`DEALFLOW_MASTER_KEY`, else the SQLite source's key file) must open the source's sealed
//! check text; afterwards, the operator is told which key every node of the target needs.

use std::path::PathBuf;

use eventlog::Database;
use eventlog::sql::Db;
use ingest::secrets;
use ingest::{IngestSettings, key_check};

/// Where the source's key is, as far as this command knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKey {
    /// `DEALFLOW_MASTER_KEY` (or `master_key`) is set, and opens the source's secrets.
    Configured,
    /// The SQLite source's key file, which opens its secrets.
    File(PathBuf),
    /// Neither: the operator knows the key (a PostgreSQL source's nodes have it).
    Unknown,
}

/// Checks the key against the source's sealed text; answers where the key is.
pub fn check(settings: &IngestSettings, source: &Database, db: &Db<'_>) -> anyhow::Result<SourceKey> {
    let (key, secrets) = match (&settings.master_key, source.sqlite_path()) {
        (Some(_), _) => (SourceKey::Configured, secrets::load_box(settings, None)?),
        (None, Some(path)) if secrets::key_file(settings, Some(path))?.exists() => {
            let file = secrets::key_file(settings, Some(path))?;
            (SourceKey::File(std::path::absolute(&file).unwrap_or(file)), secrets::load_box(settings, Some(path))?)
        }
        _ => return Ok(SourceKey::Unknown),
    };
    anyhow::ensure!(key_check::key_opens(db, &secrets)? != Some(key_check::Opened::No), "{}", refusal(&key));
    Ok(key)
}

fn refusal(key: &SourceKey) -> String {
    let which = match key {
        SourceKey::File(path) => format!("the key file {}", path.display()),
        _ => "DEALFLOW_MASTER_KEY".to_owned(),
    };
    format!(
        "{which} does not open the source's sealed secrets: it is not the key they were sealed with; set \
         DEALFLOW_MASTER_KEY to the source's key and run the copy again (nothing was copied)"
    )
}

/// What the operator must do about the key once the copy is done.
pub fn instructions(key: &SourceKey, target: &Database) -> String {
    let beside = target.sqlite_path().map(|path| {
        format!(" (on a SQLite target, copying that file to {} also works)", path.with_extension("key").display())
    });
    match key {
        SourceKey::Configured => "master key: sealed secrets were copied as stored; start every node of the target \
                                  with the same DEALFLOW_MASTER_KEY as this command had"
            .to_owned(),
        SourceKey::File(path) => format!(
            "master key: sealed secrets were copied as stored and open only with the source's key, kept in {}; set \
             DEALFLOW_MASTER_KEY=\"$(cat {})\" on every node of the target{}",
            path.display(),
            path.display(),
            beside.unwrap_or_default()
        ),
        SourceKey::Unknown => "master key: sealed secrets were copied as stored; set DEALFLOW_MASTER_KEY on every \
                               node of the target to the key the source's nodes use"
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_key_file_when_instructing_then_the_file_is_named() {
        let text = instructions(&SourceKey::File("/var/lib/dealflow.key".into()), &Database::parse("postgres://h/db"));

        assert!(text.contains("/var/lib/dealflow.key"), "{text}");
        assert!(text.contains("DEALFLOW_MASTER_KEY"), "{text}");
    }
}
