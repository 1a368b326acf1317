//! Hooks: Mautic's webhook entity (SPEC §7) — its model, the checked input of an edit, the
//! commands that change it with their audit events, its store, its pace (`maxInFlight`,
//! `rateLimit`), the triggers and a minimal categories API. It knows nothing of delivery; the
//! routes live in `crate::routes`.

pub mod categories;
mod columns;
pub mod commands;
pub mod input;
pub mod list_filter;
pub mod listing;
mod listing_sql;
pub mod model;
pub mod pace;
pub mod redact;
pub mod search;
pub mod store;
pub mod triggers;
pub mod where_params;

use std::sync::Arc;

use domain::secrets::SecretBox;
use eventlog::EventStore;
use tokio::sync::Notify;

use crate::targets::TargetPolicy;

pub use model::{Hook, OrderDir, PayloadFormat, SignatureFormat};
pub use pace::{MaxInFlight, RateLimit};

/// What the hooks API's handlers share.
pub struct HooksApi {
    pub log: EventStore,
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
