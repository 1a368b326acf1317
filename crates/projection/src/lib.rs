//! dealflow's query side. The projector tails the log from its checkpoint and maintains read
//! models of deals (with contacts, notes, tasks, custom fields), pipelines and stages, contacts
//! and the board, saving its checkpoint in the same transaction as its writes.
//!
//! - [`projector`]: `step()`, the run loop, and rebuilding from the whole log.
//! - [`writes`]: how each event changes the tables.
//! - [`queries`]: reads of the read models.
//! - [`history`]: events as analysts see them, a deal's history, a deal as of an instant.
//! - [`configure_api`]: the `GET` routes.

pub mod history;
pub mod projector;
pub mod queries;
mod routes;
pub mod writes;

pub use projector::{CONSUMER, Projector, Step, rebuild};
pub use routes::deal_filters;
pub use routes::{events_page, export_ndjson};

/// The read models' tables, and the board's index.
pub const MIGRATIONS: &[eventlog::Migration] = &[
    eventlog::migration!(4, "read_models", "0004_read_models.sql"),
    eventlog::migration!(10, "board_cards_index", "0010_board_cards_index.sql"),
    eventlog::migration!(11, "search_text", "0011_search_text.sql"),
    eventlog::migration!(13, "board_currencies", "0013_board_currencies.sql"),
];

/// Registers the query routes inside the authenticated `/api` scope (after command routes).
pub fn configure_api(cfg: &mut actix_web::web::ServiceConfig) {
    routes::configure(cfg);
}
