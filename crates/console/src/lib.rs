//! The web console's shared parts (SPEC §12): server-side templates, static assets embedded in
//! the binary, server-side sessions with their CSRF tokens, and failed sign-in throttling.
//!
//! This crate depends only on shared crates (`api`, actix-web, minijinja). The pages that run
//! commands and queries live in the `server` crate (`crates/server/src/console/`), which already
//! depends on every feature crate: the console calls the very functions the API calls.
//!
//! - [`answers`]: plain HTML answers (no-store pages, redirects, bare error pages).
//! - [`assets`]: `GET /static/…`, embedded, with cache headers.
//! - [`pages`]: the templates and the HTML answers (pages and error pages).
//! - [`return_to`]: the page to go back to after signing in, kept to this site.
//! - [`sessions`]: the in-memory session store, its cookie, and the CSRF token of each session.
//! - [`throttle`]: how many failed sign-ins a username from one address may make.

pub mod answers;
pub mod assets;
pub mod pages;
pub mod return_to;
pub mod sessions;
pub mod throttle;

pub use pages::{PageError, Pages};
pub use sessions::{CookiePolicy, Session, SessionStore};
pub use throttle::Throttle;
