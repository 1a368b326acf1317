//! Source secrets: generated from the OS random generator, sealed at rest with the master key
//! (`DEALFLOW_MASTER_KEY`, or a key file with mode 0600). The box itself is
//! [`domain::secrets::SecretBox`], shared with hook secrets.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub use domain::secrets::{SecretBox, UnsealError};

use crate::IngestSettings;

/// The box over the configured key, or the key file (created with mode 0600 at first start):
/// `master_key_file`, or beside a SQLite `database`. On PostgreSQL (no file) the key must be
/// configured, since every node must share it.
pub fn load_box(settings: &IngestSettings, database: Option<&Path>) -> anyhow::Result<SecretBox> {
    if let Some(key) = &settings.master_key {
        return Ok(box_for_key(key.expose()));
    }
    Ok(SecretBox::from_key(&read_or_create_key_file(&key_file(settings, database)?)?))
}

/// Where the master key file is: `master_key_file`, or the SQLite database's path with `.key`.
pub fn key_file(settings: &IngestSettings, database: Option<&Path>) -> anyhow::Result<PathBuf> {
    match (&settings.master_key_file, database) {
        (Some(file), _) => Ok(file.clone()),
        (None, Some(database)) => Ok(database.with_extension("key")),
        (None, None) => Err(anyhow::anyhow!(
            "no master key: on PostgreSQL set DEALFLOW_MASTER_KEY (the same on every node; \
             `openssl rand -base64 32` makes one) or [ingest] master_key_file"
        )),
    }
}

/// Checks, without creating anything, that the master key can be had: the configured key, or a
/// key file that is readable and well-formed when it exists.
pub fn check_key(settings: &IngestSettings, database: Option<&Path>) -> anyhow::Result<()> {
    if settings.master_key.is_some() {
        return Ok(());
    }
    let path = key_file(settings, database)?;
    match std::fs::read_to_string(&path) {
        Ok(text) => parse_key_file(&path, &text).map(|_| ()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(anyhow::anyhow!("cannot read the master key file {}: {error}", path.display())),
    }
}

/// The box over a configured key text (see [`load_box`] for how the text becomes a key).
pub fn box_for_key(text: &str) -> SecretBox {
    SecretBox::from_key(&key_bytes(text))
}

/// Whether a key text is a raw key (base64 of 32 bytes), the only form a key file holds.
pub fn is_raw_key(text: &str) -> bool {
    BASE64.decode(text.trim()).is_ok_and(|bytes| bytes.len() == 32)
}

/// A new master key: 32 bytes from the OS generator, as base64 (what `openssl rand -base64 32`
/// prints).
pub fn generate_master_key() -> String {
    let mut key = [0_u8; 32];
    OsRng.fill_bytes(&mut key);
    BASE64.encode(key)
}

/// A new source secret: 32 random bytes from the OS generator, as 64 hex digits. The HMAC key is
/// this text's bytes, as the PHP and Node sender snippets use it.
pub fn generate_source_secret() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// `DEALFLOW_MASTER_KEY` is base64 of 32 bytes (`openssl rand -base64 32`); any other text is
/// hashed to a key, so a passphrase also works.
fn key_bytes(text: &str) -> [u8; 32] {
    match BASE64.decode(text.trim()) {
        Ok(bytes) if bytes.len() == 32 => bytes.try_into().unwrap_or_default(),
        _ => Sha256::digest(text.as_bytes()).into(),
    }
}

fn parse_key_file(path: &Path, text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = BASE64.decode(text.trim()).map_err(|_| anyhow::anyhow!("{} is not base64", path.display()))?;
    bytes.try_into().map_err(|_| anyhow::anyhow!("{} must hold 32 bytes of base64", path.display()))
}

fn read_or_create_key_file(path: &PathBuf) -> anyhow::Result<[u8; 32]> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_key_file(path, &text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => create_key_file(path),
        Err(error) => Err(anyhow::anyhow!("cannot read the master key file {}: {error}", path.display())),
    }
}

fn create_key_file(path: &PathBuf) -> anyhow::Result<[u8; 32]> {
    let mut key = [0_u8; 32];
    OsRng.fill_bytes(&mut key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    // Private from the first byte: the mode is set when the file is created.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file =
        options.open(path).map_err(|e| anyhow::anyhow!("cannot create the master key file {}: {e}", path.display()))?;
    writeln!(file, "{}", BASE64.encode(key))?;
    file.sync_all()?;
    tracing::info!(path = %path.display(), "created the master key file; back it up with the database");
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("dealflow.db");
        let settings = IngestSettings::default();
        let sealed = load_box(&settings, Some(&database)).unwrap().seal("x");
        let reopened = load_box(&settings, Some(&database)).unwrap();
        assert_eq!(reopened.open(&sealed).unwrap(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("dealflow.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn checking_the_key_creates_nothing_and_refuses_a_broken_file() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("dealflow.db");
        let settings = IngestSettings::default();
        check_key(&settings, Some(&database)).unwrap();
        assert!(!dir.path().join("dealflow.key").exists());
        std::fs::write(dir.path().join("dealflow.key"), "not base64!").unwrap();
        assert!(check_key(&settings, Some(&database)).unwrap_err().to_string().contains("not base64"));
    }

    #[test]
    fn generated_secrets_are_64_hex_digits_of_os_randomness() {
        let (a, b) = (generate_source_secret(), generate_source_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
