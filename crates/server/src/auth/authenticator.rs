//! Checks `Authorization` headers (HTTP Basic as Mautic's API client sends, or Bearer tokens)
//! against argon2 hashes. Argon2 is deliberately slow, and Mautic's client authenticates every
//! request, so a successful check is remembered for a minute under the header's SHA-256.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use api::{ApiError, Principal};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use eventlog::EventStore;
use sha2::{Digest, Sha256};

use super::passwords::{verify_against_dummy, verify_password};
use super::users::{self, UserRecord};

/// Why a request is not authenticated.
#[derive(Debug, thiserror::Error)]
pub enum AuthFailure {
    #[error("authentication required: use HTTP Basic or a Bearer token")]
    Missing,
    #[error("the Authorization header is malformed: {0}")]
    Malformed(&'static str),
    #[error("wrong username, password or token")]
    Invalid,
    #[error("cannot check credentials: {0}")]
    Storage(String),
}

impl From<AuthFailure> for ApiError {
    fn from(failure: AuthFailure) -> Self {
        match failure {
            AuthFailure::Storage(cause) => ApiError::internal(cause),
            other => ApiError::unauthorized(other.to_string()),
        }
    }
}

enum Credentials {
    Basic { username: String, password: String },
    Token { id: u64, secret: String },
}

/// The prefix of API tokens: `dft_<id>_<secret>`.
pub const TOKEN_PREFIX: &str = "dft_";

impl Credentials {
    fn parse(header: &str) -> Result<Self, AuthFailure> {
        let (scheme, value) =
            header.trim().split_once(' ').ok_or(AuthFailure::Malformed("expected '<scheme> <value>'"))?;
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded =
                BASE64.decode(value.trim()).map_err(|_| AuthFailure::Malformed("Basic value is not base64"))?;
            let text = String::from_utf8(decoded).map_err(|_| AuthFailure::Malformed("Basic value is not UTF-8"))?;
            let (username, password) = text.split_once(':').ok_or(AuthFailure::Malformed("expected user:password"))?;
            return Ok(Self::Basic { username: username.to_owned(), password: password.to_owned() });
        }
        if scheme.eq_ignore_ascii_case("bearer") {
            let token = value.trim().strip_prefix(TOKEN_PREFIX).ok_or(AuthFailure::Invalid)?;
            let (id, secret) = token.split_once('_').ok_or(AuthFailure::Invalid)?;
            let id = id.parse().map_err(|_| AuthFailure::Invalid)?;
            return Ok(Self::Token { id, secret: secret.to_owned() });
        }
        Err(AuthFailure::Malformed("the scheme must be Basic or Bearer"))
    }
}

/// Authenticates requests against the users table.
pub struct Authenticator {
    log: EventStore,
    remembered: Mutex<HashMap<[u8; 32], (Principal, Instant)>>,
}

const REMEMBER_FOR: Duration = Duration::from_secs(60);
const MAX_REMEMBERED: usize = 10_000;

impl Authenticator {
    /// An authenticator over the database of `log`.
    pub fn new(log: EventStore) -> Self {
        Self { log, remembered: Mutex::new(HashMap::new()) }
    }

    /// The user an `Authorization` header proves to be.
    pub async fn authenticate(&self, header: Option<&str>) -> Result<Principal, AuthFailure> {
        let header = header.ok_or(AuthFailure::Missing)?;
        let key: [u8; 32] = Sha256::digest(header.as_bytes()).into();
        if let Some(principal) = self.recall(&key) {
            return Ok(principal);
        }
        let credentials = Credentials::parse(header)?;
        let log = self.log.clone();
        let checked = tokio::task::spawn_blocking(move || check(&log, credentials))
            .await
            .map_err(|e| AuthFailure::Storage(e.to_string()))??;
        self.remember(key, checked.clone());
        Ok(checked)
    }

    /// The user a console sign-in form names, checked as HTTP Basic would be (an unknown
    /// username costs the same time as a wrong password). Nothing is remembered.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<Principal, AuthFailure> {
        let credentials = Credentials::Basic { username: username.to_owned(), password: password.to_owned() };
        let log = self.log.clone();
        tokio::task::spawn_blocking(move || check(&log, credentials))
            .await
            .map_err(|e| AuthFailure::Storage(e.to_string()))?
    }

    fn recall(&self, key: &[u8; 32]) -> Option<Principal> {
        let remembered = self.remembered.lock().unwrap_or_else(|p| p.into_inner());
        remembered.get(key).filter(|(_, at)| at.elapsed() < REMEMBER_FOR).map(|(p, _)| p.clone())
    }

    fn remember(&self, key: [u8; 32], principal: Principal) {
        let mut remembered = self.remembered.lock().unwrap_or_else(|p| p.into_inner());
        if remembered.len() >= MAX_REMEMBERED {
            remembered.retain(|_, (_, at)| at.elapsed() < REMEMBER_FOR);
        }
        remembered.insert(key, (principal, Instant::now()));
    }

    /// Forgets every remembered check (after a password change in this process).
    pub fn forget_all(&self) {
        self.remembered.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

fn check(log: &EventStore, credentials: Credentials) -> Result<Principal, AuthFailure> {
    let storage = |e: eventlog::StorageError| AuthFailure::Storage(e.to_string());
    let user = match credentials {
        Credentials::Basic { username, password } => {
            let user =
                log.read(|conn| users::find_by_username(conn, &username).map_err(Into::into)).map_err(storage)?;
            match user {
                Some(user) => Some(user).filter(|u| verify_password(&u.password_hash, &password)),
                None => {
                    verify_against_dummy(&password);
                    None
                }
            }
        }
        Credentials::Token { id, secret } => {
            let token = log.read(|conn| users::find_token(conn, id).map_err(Into::into)).map_err(storage)?;
            let verified = match token {
                Some((user_id, hash)) => verify_password(&hash, &secret).then_some(user_id),
                None => {
                    verify_against_dummy(&secret);
                    None
                }
            };
            match verified {
                Some(user_id) => {
                    log.read(|conn| users::find_by_id(conn, user_id).map_err(Into::into)).map_err(storage)?
                }
                None => None,
            }
        }
    };
    user.map(principal_of).ok_or(AuthFailure::Invalid)
}

/// The principal a stored user acts as.
pub fn principal_of(user: UserRecord) -> Principal {
    Principal { user_id: user.id, display_name: user.display_name(), username: user.username, role: user.role }
}
