//! Source secrets: generated from the OS random generator, sealed at rest with a master key that
//! is kept outside the database (`DEALFLOW_MASTER_KEY`, or a key file with mode 0600).

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::IngestSettings;

/// Seals and opens secrets with the master key. `Debug` never shows the key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox([key redacted])")
    }
}

/// A sealed secret that the master key cannot open.
#[derive(Debug, thiserror::Error)]
#[error("a stored secret cannot be decrypted: is this the master key it was sealed with?")]
pub struct UnsealError;

const NONCE_BYTES: usize = 12;

impl SecretBox {
    /// The configured key, or the key file beside `database` (created with mode 0600 at first
    /// start).
    pub fn load(settings: &IngestSettings, database: &Path) -> anyhow::Result<Self> {
        if let Some(key) = &settings.master_key {
            return Ok(Self::from_key(&key_bytes(key.expose())));
        }
        let path = settings.master_key_file.clone().unwrap_or_else(|| database.with_extension("key"));
        Ok(Self::from_key(&read_or_create_key_file(&path)?))
    }

    /// A box over a 32-byte key.
    pub fn from_key(key: &[u8; 32]) -> Self {
        Self { cipher: ChaCha20Poly1305::new(Key::from_slice(key)) }
    }

    /// Seals a secret as base64 text: nonce then ciphertext.
    pub fn seal(&self, secret: &str) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encryption of an in-memory buffer cannot fail.
        let sealed = self.cipher.encrypt(&nonce, secret.as_bytes()).unwrap_or_default();
        BASE64.encode([nonce.as_slice(), &sealed].concat())
    }

    /// Opens a sealed secret.
    pub fn open(&self, sealed: &str) -> Result<String, UnsealError> {
        let bytes = BASE64.decode(sealed).map_err(|_| UnsealError)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(UnsealError);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), ciphertext).map_err(|_| UnsealError)?;
        String::from_utf8(plain).map_err(|_| UnsealError)
    }
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

fn read_or_create_key_file(path: &PathBuf) -> anyhow::Result<[u8; 32]> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let bytes = BASE64.decode(text.trim()).map_err(|_| anyhow::anyhow!("{} is not base64", path.display()))?;
            bytes.try_into().map_err(|_| anyhow::anyhow!("{} must hold 32 bytes of base64", path.display()))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => create_key_file(path),
        Err(error) => Err(anyhow::anyhow!("cannot read the master key file {}: {error}", path.display())),
    }
}

fn create_key_file(path: &PathBuf) -> anyhow::Result<[u8; 32]> {
    let mut key = [0_u8; 32];
    OsRng.fill_bytes(&mut key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
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
    fn sealed_secrets_open_only_with_their_key() {
        let secret_box = SecretBox::from_key(&[7; 32]);
        let sealed = secret_box.seal("s3cret");
        assert!(!sealed.contains("s3cret"));
        assert_eq!(secret_box.open(&sealed).unwrap(), "s3cret");
        assert!(SecretBox::from_key(&[8; 32]).open(&sealed).is_err());
        assert_ne!(secret_box.seal("s3cret"), sealed, "a fresh nonce each time");
    }

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("dealflow.db");
        let settings = IngestSettings::default();
        let sealed = SecretBox::load(&settings, &database).unwrap().seal("x");
        let reopened = SecretBox::load(&settings, &database).unwrap();
        assert_eq!(reopened.open(&sealed).unwrap(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("dealflow.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn generated_secrets_are_64_hex_digits_of_os_randomness() {
        let (a, b) = (generate_source_secret(), generate_source_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
