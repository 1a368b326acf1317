//! The query side's routes, registered inside the authenticated `/api` scope.

mod contacts;
mod deals;
mod events;
mod pipelines;

use actix_web::web;
use api::{ApiError, ListParams};

pub use deals::deal_filters;
pub use events::{events_page, export_ndjson};

/// Registers every query route. Register command routes (`/deals/new`, …) first: `/deals/{id}`
/// would otherwise take their paths.
pub fn configure(cfg: &mut web::ServiceConfig) {
    deals::configure(cfg);
    pipelines::configure(cfg);
    contacts::configure(cfg);
    events::configure(cfg);
}

/// Runs a read on the pool off the async threads; storage errors become 500.
async fn read<T: Send + 'static>(
    log: &eventlog::EventStore,
    read: impl FnOnce(&eventlog::sql::Db<'_>) -> Result<T, eventlog::StorageError> + Send + 'static,
) -> Result<T, ApiError> {
    Ok(log.read_async(read).await?)
}

/// The query string as list parameters.
fn params(query: web::Query<Vec<(String, String)>>) -> ListParams {
    ListParams::new(query.into_inner())
}
