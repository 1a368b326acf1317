//! Secrets sealed at rest: ChaCha20-Poly1305 under a 32-byte master key that is kept outside the
//! database. Source secrets (ingest) and hook secrets (dispatcher) are sealed with this one box;
//! loading the key (from `DEALFLOW_MASTER_KEY` or a key file) is the caller's I/O.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

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
    /// A box over a 32-byte key.
    pub fn from_key(key: &[u8; 32]) -> Self {
        Self { cipher: ChaCha20Poly1305::new(Key::from_slice(key)) }
    }

    /// Seals a secret as base64 text: a fresh random nonce, then the ciphertext and its tag.
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

    /// Opens a secret sealed with this box and seals it again with `to` (a master key rotation).
    pub fn reseal(&self, sealed: &str, to: &SecretBox) -> Result<String, UnsealError> {
        Ok(to.seal(&self.open(sealed)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_secret_sealed_with_one_key_when_resealed_then_only_the_other_key_opens_it() {
        let (old, new) = (SecretBox::from_key(&[1; 32]), SecretBox::from_key(&[2; 32]));
        let resealed = old.reseal(&old.seal("s3cret"), &new).unwrap();
        assert_eq!(new.open(&resealed).unwrap(), "s3cret");
        assert!(old.open(&resealed).is_err());
        assert!(new.reseal(&new.seal("x"), &old).is_ok() && old.reseal(&new.seal("x"), &new).is_err());
    }

    #[test]
    fn sealed_secrets_open_only_with_their_key() {
        let secret_box = SecretBox::from_key(&[7; 32]);
        let sealed = secret_box.seal("s3cret");
        assert!(!sealed.contains("s3cret"));
        assert_eq!(secret_box.open(&sealed).unwrap(), "s3cret");
        assert!(SecretBox::from_key(&[8; 32]).open(&sealed).is_err());
        assert_ne!(secret_box.seal("s3cret"), sealed, "a fresh nonce each time");
    }
}
