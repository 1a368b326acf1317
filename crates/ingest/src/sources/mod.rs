//! Inbound sources: their table, commands, cache for the inbound endpoint, and API routes.

mod cache;
pub mod commands;
pub mod routes;
pub mod settings;
pub mod store;

pub use cache::{ActiveSource, SourceCache};
pub use store::{SourceRecord, SourceView};
