//! dealflow's outbound side.
//!
//! - [`routes`]: every HTTP route (`/api/hooks…`, `/api/settings/webhooks`, categories), in
//!   one place; it uses `hooks` and `delivery`.
//! - [`delivery`]: matching events to hooks, the queue, signed deliveries, retries and the
//!   delivery log, in real time or in cron-style batches; it uses `hooks`.
//! - [`hooks`]: the Mautic webhook entity: model, input, commands, store, triggers, categories.
//! - `config`: the `[webhooks]` section of the configuration ([`WebhookSettings`]).
//! - [`targets`]: which URLs hooks may deliver to.
//! - [`special_addresses`]: the IANA special-purpose address table behind it.

mod config;
pub mod delivery;
pub mod hooks;
pub mod routes;
pub mod special_addresses;
pub mod targets;

pub use config::WebhookSettings;
pub use delivery::Engine;
pub use hooks::HooksApi;
pub use targets::TargetPolicy;

/// The dispatcher's tables.
pub const MIGRATIONS: &[eventlog::Migration] = &[
    eventlog::migration!(5, "hooks", "0005_hooks.sql"),
    eventlog::migration!(6, "deliveries", "0006_deliveries.sql"),
    eventlog::migration!(7, "delivery_log_outcome", "0007_delivery_log_outcome.sql"),
    eventlog::migration!(12, "hook_pace", "0012_hook_pace.sql"),
];

/// Registers the hooks routes inside the authenticated `/api` scope.
pub fn configure_api(cfg: &mut actix_web::web::ServiceConfig) {
    routes::configure(cfg);
}
