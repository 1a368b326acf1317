//! Access control of SPEC §8: users with roles, argon2-hashed passwords and tokens, HTTP Basic
//! and Bearer authentication, and the first-start admin.

pub mod access;
mod authenticator;
mod bootstrap;
pub mod manage;
mod middleware;
pub mod passwords;
pub mod user_input;
pub mod users;

pub use authenticator::{AuthFailure, Authenticator, TOKEN_PREFIX};
pub use bootstrap::{AdminSetup, ensure_admin};
pub use middleware::authenticate;

/// The users table and its tokens.
pub const MIGRATIONS: &[eventlog::Migration] = &[eventlog::migration!(2, "users", "0002_users.sql")];
