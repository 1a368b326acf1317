//! Argon2id hashes for passwords and tokens, and random secrets from the OS generator.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

/// The shortest password a user may choose (NIST SP 800-63B's minimum for chosen passwords).
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Checks a password a person chose (`DEALFLOW_ADMIN_PASSWORD`, `users add|passwd --password`):
/// from 8 to 1024 characters. Generated passwords and tokens are longer by construction.
pub fn check_chosen_password(password: &str) -> Result<(), String> {
    match password.chars().count() {
        n if n < MIN_PASSWORD_CHARS => Err(format!(
            "is {n} characters long; choose at least {MIN_PASSWORD_CHARS}, or leave it out to get a generated one"
        )),
        n if n > 1024 => Err(format!("is {n} characters long; the most is 1024")),
        _ => Ok(()),
    }
}

/// Hashes a password (or token secret) with Argon2id and a random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Whether the password matches the stored hash (false for a malformed hash).
pub fn verify_password(stored_hash: &str, password: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

/// A hash of a random password, made once with the same parameters as every stored hash.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_secret(18)).unwrap_or_default())
}

static DUMMY_VERIFICATIONS: AtomicU64 = AtomicU64::new(0);

/// Verifies `password` against a hash no password matches: a sign-in as a user (or with a
/// token) that does not exist costs as much time as a wrong password for one that does, so that
/// timing does not tell which users exist.
pub fn verify_against_dummy(password: &str) {
    DUMMY_VERIFICATIONS.fetch_add(1, Ordering::Relaxed);
    let _ = verify_password(dummy_hash(), password);
}

/// How many times this process verified against the dummy hash (for tests).
pub fn dummy_verifications() -> u64 {
    DUMMY_VERIFICATIONS.load(Ordering::Relaxed)
}

/// `bytes` random bytes from the OS generator, as URL-safe base64 text.
pub fn random_secret(bytes: usize) -> String {
    let mut buffer = vec![0_u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chosen_passwords_need_eight_characters() {
        assert!(check_chosen_password("short").unwrap_err().contains("at least 8"));
        assert!(check_chosen_password("ünïcödé").is_err(), "characters, not bytes");
        assert!(check_chosen_password("correct horse").is_ok());
        assert!(check_chosen_password(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "correct horse "));
        assert!(!verify_password("not a hash", "correct horse"));
    }

    #[test]
    fn the_dummy_hash_matches_nothing_and_costs_a_real_verification() {
        let hash = hash_password("x").unwrap();
        let started = std::time::Instant::now();
        assert!(!verify_password(&hash, "y"));
        let real = started.elapsed();
        let before = dummy_verifications();
        let started = std::time::Instant::now();
        verify_against_dummy("y");
        let dummy = started.elapsed();
        assert_eq!(dummy_verifications(), before + 1);
        assert!(dummy * 4 > real, "dummy {dummy:?} vs real {real:?}");
    }

    #[test]
    fn random_secrets_differ_and_carry_the_requested_entropy() {
        let (a, b) = (random_secret(32), random_secret(32));
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(a).unwrap().len(), 32);
    }
}
