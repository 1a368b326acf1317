//! The hooks API: Mautic's `/api/hooks` REST contract (SPEC §7) and a minimal categories API.

mod answers;
mod batch;
pub mod categories;
mod columns;
pub mod commands;
pub mod health;
pub mod input;
pub mod list_filter;
pub mod listing;
mod listing_sql;
pub mod model;
pub mod redact;
pub mod routes;
pub mod search;
pub mod store;
pub mod triggers;
pub mod where_params;

use std::sync::Arc;

use domain::secrets::SecretBox;
use eventlog::SqliteEventLog;
use tokio::sync::Notify;

use crate::targets::TargetPolicy;

pub use model::{Hook, OrderDir, PayloadFormat, SignatureFormat};

/// What the hooks API's handlers share.
pub struct HooksApi {
    pub log: SqliteEventLog,
    pub targets: TargetPolicy,
    /// Seals hook secrets at rest (the master key of source secrets).
    pub secrets: SecretBox,
    /// Woken whenever hooks change, so that delivery picks the change up at once.
    pub changes: Arc<Notify>,
}

impl HooksApi {
    /// Tells delivery that hooks changed.
    pub fn hooks_changed(&self) {
        self.changes.notify_waiters();
    }
}

/// Registers the routes inside the authenticated `/api` scope.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    // Fixed paths before `/hooks/{id}`, which would take `batch` for an id.
    routes::configure(cfg);
    batch::configure(cfg);
    routes::configure_by_id(cfg);
    categories::configure(cfg);
}
