//! dealflow's outbound side.
//!
//! - [`hooks`]: the Mautic-compatible hooks API (list, get, create, PUT/PATCH, delete, batch,
//!   triggers) and categories.
//! - [`delivery`]: matching events to hooks, the queue, signed deliveries, retries and the
//!   delivery log, in real time or in cron-style batches.
//! - [`targets`]: which URLs hooks may deliver to.
//! - [`special_addresses`]: the IANA special-purpose address table behind it.

pub mod delivery;
pub mod hooks;
mod settings;
pub mod special_addresses;
pub mod targets;

pub use delivery::Engine;
pub use hooks::HooksApi;
pub use settings::WebhookSettings;
pub use targets::TargetPolicy;

/// The dispatcher's tables.
pub const MIGRATIONS: &[eventlog::Migration] = &[
    eventlog::Migration { version: 5, name: "hooks", sql: include_str!("../../../migrations/0005_hooks.sql") },
    eventlog::Migration {
        version: 6,
        name: "deliveries",
        sql: include_str!("../../../migrations/0006_deliveries.sql"),
    },
    eventlog::Migration {
        version: 7,
        name: "delivery_log_outcome",
        sql: include_str!("../../../migrations/0007_delivery_log_outcome.sql"),
    },
];

/// Registers the hooks routes inside the authenticated `/api` scope.
pub fn configure_api(cfg: &mut actix_web::web::ServiceConfig) {
    delivery::configure(cfg);
    hooks::configure(cfg);
}
