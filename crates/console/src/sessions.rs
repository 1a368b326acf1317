//! Server-side sessions: a random id from the OS generator in an HttpOnly, `SameSite=Lax`
//! cookie (`Secure` when the public URL is https), the signed-in user and a CSRF token kept in
//! memory, and an idle timeout. A restart signs everyone out.

use std::collections::HashMap;
use std::future::{Ready, ready};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use api::Principal;
use rand::RngCore;
use rand::rngs::OsRng;
use subtle::ConstantTimeEq;

use crate::PageError;

/// The session cookie's name.
pub const COOKIE: &str = "dealflow_session";
/// Signed-in sessions end after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Sessions kept at most; when full, expired ones are dropped, then new sign-ins are refused.
const MAX_SESSIONS: usize = 100_000;

/// 32 bytes from the operating system's generator, as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Whether two tokens are equal, compared in constant time.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// A signed-in user's session.
#[derive(Clone)]
pub struct Session {
    pub id: String,
    pub user: Principal,
    /// The CSRF token every form of this session carries.
    pub csrf: String,
    last_seen: Instant,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("user", &self.user.username).finish_non_exhaustive()
    }
}

impl Session {
    /// Whether a form's token is this session's.
    pub fn csrf_matches(&self, given: Option<&str>) -> bool {
        given.is_some_and(|given| tokens_match(&self.csrf, given))
    }
}

/// Every live session, in memory.
pub struct SessionStore {
    sessions: Mutex<HashMap<String, Session>>,
    idle: Duration,
}

impl SessionStore {
    /// A store whose sessions end after `idle` without a request.
    pub fn new(idle: Duration) -> Self {
        Self { sessions: Mutex::new(HashMap::new()), idle }
    }

    /// Starts a session for `user` with a fresh id and CSRF token; `None` when the store is full.
    pub fn start(&self, user: Principal) -> Option<Session> {
        let now = Instant::now();
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if sessions.len() >= MAX_SESSIONS {
            sessions.retain(|_, s| now.duration_since(s.last_seen) < self.idle);
        }
        if sessions.len() >= MAX_SESSIONS {
            return None;
        }
        let session = Session { id: random_token(), user, csrf: random_token(), last_seen: now };
        sessions.insert(session.id.clone(), session.clone());
        Some(session)
    }

    /// The live session with this id, marked as seen now; an idle one is ended.
    pub fn find(&self, id: &str) -> Option<Session> {
        let now = Instant::now();
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let session = sessions.get_mut(id)?;
        if now.duration_since(session.last_seen) >= self.idle {
            sessions.remove(id);
            return None;
        }
        session.last_seen = now;
        Some(session.clone())
    }

    /// Ends a session (logout).
    pub fn end(&self, id: &str) {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }

    /// Ends every session of a user (deleted, or given another role: they sign in again).
    pub fn end_user(&self, user_id: u64) {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner()).retain(|_, s| s.user.user_id.0 != user_id);
    }
}

/// How the console's cookies are set.
#[derive(Clone, Copy, Debug)]
pub struct CookiePolicy {
    /// `Secure`: set when the public URL is https.
    pub secure: bool,
}

impl CookiePolicy {
    /// From the public URL users reach the console at.
    pub fn for_public_url(public_url: &str) -> Self {
        Self { secure: public_url.to_ascii_lowercase().starts_with("https://") }
    }

    /// An HttpOnly, `SameSite=Lax` cookie for the whole site, ending with the browser.
    pub fn cookie(&self, name: &'static str, value: String) -> Cookie<'static> {
        Cookie::build(name, value).path("/").http_only(true).same_site(SameSite::Lax).secure(self.secure).finish()
    }

    /// A cookie that makes the browser forget `name`.
    pub fn removal(&self, name: &'static str) -> Cookie<'static> {
        let mut cookie = self.cookie(name, String::new());
        cookie.make_removal();
        cookie
    }
}

impl FromRequest for Session {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    /// The request's live session; without one, the answer sends the browser to sign in.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let found = req
            .app_data::<web::Data<SessionStore>>()
            .zip(req.cookie(COOKIE))
            .and_then(|(store, cookie)| store.find(cookie.value()));
        // Only a page can be returned to: a form's POST cannot be repeated by a redirect.
        let next = (req.method() == actix_web::http::Method::GET).then(|| req.uri().to_string());
        ready(found.ok_or(PageError::SignInNeeded { next }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::Role;
    use domain::ids::UserId;

    fn principal() -> Principal {
        Principal { user_id: UserId(1), username: "ann".into(), display_name: "Ann".into(), role: Role::Analyst }
    }

    #[test]
    fn a_session_has_a_random_id_and_token_and_matches_only_its_own_token() {
        let store = SessionStore::new(IDLE_TIMEOUT);
        let (one, two) = (store.start(principal()).unwrap(), store.start(principal()).unwrap());
        assert_ne!(one.id, two.id);
        assert_eq!(one.id.len(), 64);
        assert!(one.csrf_matches(Some(&one.csrf)));
        assert!(!one.csrf_matches(Some(&two.csrf)) && !one.csrf_matches(None) && !one.csrf_matches(Some("")));
        assert_eq!(store.find(&one.id).map(|s| s.user.role), Some(Role::Analyst));
    }

    #[test]
    fn an_idle_session_and_an_ended_one_are_gone() {
        let store = SessionStore::new(Duration::ZERO);
        let session = store.start(principal()).unwrap();
        assert!(store.find(&session.id).is_none(), "idle longer than the timeout");
        let store = SessionStore::new(IDLE_TIMEOUT);
        let session = store.start(principal()).unwrap();
        store.end(&session.id);
        assert!(store.find(&session.id).is_none());
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_only_behind_https() {
        let cookie = CookiePolicy::for_public_url("https://deals.example.com").cookie(COOKIE, "x".into());
        assert_eq!(
            (cookie.http_only(), cookie.same_site(), cookie.secure()),
            (Some(true), Some(SameSite::Lax), Some(true))
        );
        let cookie = CookiePolicy::for_public_url("http://127.0.0.1:8080").cookie(COOKIE, "x".into());
        assert_eq!(cookie.secure(), Some(false));
    }
}
