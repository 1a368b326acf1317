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
    eventlog::Migration { version: 3, name: "ingest", sql: include_str!("../../../migrations/0003_ingest.sql") },
    eventlog::Migration {
        version: 8,
        name: "source_settings",
        sql: include_str!("../../../migrations/0008_source_settings.sql"),
    },
    eventlog::Migration {
        version: 9,
        name: "request_log",
        sql: include_str!("../../../migrations/0009_request_log.sql"),
    },
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
