//! The admin commands of SPEC §6 over HTTP. Each runs the command side's write unit, waits until
//! the read models have caught up with it (read-your-writes, bounded), and answers with the
//! changed entity as the read models show it — exactly what a following GET returns.

mod contacts;
mod deals;
mod entity;
mod pipelines;

use std::time::Duration;

use actix_web::web;
use api::ApiError;
use eventlog::{CatchUp, EventStore, StorageError};

/// How long a command waits for the read models before answering anyway.
const CATCH_UP: Duration = Duration::from_secs(5);

/// Registers the command routes inside the `/api` scope, before the query routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    pipelines::configure(cfg);
    deals::configure(cfg);
    contacts::configure(cfg);
}

/// What every answer after a write waits for: the projector's checkpoint, at most [`CATCH_UP`].
/// The admin commands here and the inbound endpoint (as app data) share it.
pub fn read_models(log: &EventStore) -> CatchUp {
    CatchUp::new(log.clone(), projection::CONSUMER, CATCH_UP)
}

/// Waits until the projector has applied `position`.
pub(crate) async fn caught_up(log: &EventStore, position: u64) {
    read_models(log).wait(position).await;
}

/// Reads the read models after a command.
async fn read_after<T: Send + 'static>(
    log: &EventStore,
    position: u64,
    read: impl FnOnce(&eventlog::sql::Db<'_>) -> Result<T, StorageError> + Send + 'static,
) -> Result<T, ApiError> {
    caught_up(log, position).await;
    Ok(log.read_async(read).await?)
}
