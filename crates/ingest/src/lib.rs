//! dealflow's command side. Every command runs as a write unit on the log's writer thread:
//! it reads its streams and lookup tables, decides with `domain`'s pure functions, and appends
//! its events and lookup rows in one transaction.
//!
//! - [`sources`]: inbound sources, their sealed secrets ([`secrets`]) and `/api/sources`.
//! - [`inbound`]: the signed inbound endpoint.
//! - [`commands`]: the admin commands on pipelines, deals and contacts (SPEC §6).
//! - [`contacts`], [`lookups`], [`streams`]: contact look-up-or-create, the lookup tables, and
//!   aggregates folded from their streams (and a deal's decided events appended to its own,
//!   for both the inbound and the admin paths).
//! - `refusals`: a refused deal decision as field errors, one conversion for both paths.
//! - [`CommandError`]: why a command was refused, mapped once to status codes.

pub mod commands;
pub mod contacts;
pub mod inbound;
mod input;
pub mod key_check;
pub mod lookups;
mod refusals;
pub mod request_log;
pub mod secrets;
mod settings;
pub mod sources;
mod state;
pub mod streams;

pub use api::CommandError;
pub use settings::IngestSettings;
pub use state::{Ingest, user_metadata};

/// The command side's tables.
pub const MIGRATIONS: &[eventlog::Migration] = &[
    eventlog::migration!(3, "ingest", "0003_ingest.sql"),
    eventlog::migration!(8, "source_settings", "0008_source_settings.sql"),
    eventlog::migration!(9, "request_log", "0009_request_log.sql"),
    eventlog::migration!(14, "master_key_check", "0014_master_key_check.sql"),
];

/// Registers the `/api` routes of the command side (inside the authenticated scope).
pub fn configure_api(cfg: &mut actix_web::web::ServiceConfig) {
    sources::routes::configure(cfg);
    inbound::preview::configure(cfg);
    request_log::routes::configure(cfg);
}

/// Registers the public routes (the inbound endpoint; its signature is its credential).
pub fn configure_public(cfg: &mut actix_web::web::ServiceConfig) {
    inbound::route::configure(cfg);
}
