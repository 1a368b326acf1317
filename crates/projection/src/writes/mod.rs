//! Applying one decoded event to the read-model tables. Runs inside a write unit (or a rebuild
//! batch) with every statement prepared once and cached.

mod board;
mod contacts;
mod deals;
mod pipelines;

pub use board::BoardDelta;

use chrono::{DateTime, Utc};
use domain::Actor;
use domain::events::DomainEvent;
use domain::ids::{ContactId, DealId, PipelineId};
use eventlog::sql::Db;

/// What the tables need of a stored event besides its data.
#[derive(Clone, Debug)]
pub struct Stored {
    pub stream: String,
    pub version: u64,
    pub recorded_at: DateTime<Utc>,
    /// Who caused it; read only for the events that record it (notes).
    pub author: Option<Actor>,
}

/// Whether the read models use events of this type (others need not be decoded).
pub fn applies_to(event_type: &str) -> bool {
    ["deal.", "pipeline.", "contact."].iter().any(|prefix| event_type.starts_with(prefix))
}

impl Stored {
    pub(crate) fn at(&self) -> i64 {
        self.recorded_at.timestamp_micros()
    }
}

/// Applies one event; events no read model cares about are skipped.
pub fn apply(conn: &Db<'_>, event: &DomainEvent, stored: &Stored, board: &mut BoardDelta) -> eventlog::sql::Result<()> {
    let deal = || DealId::from_stream(&stored.stream);
    let pipeline = || PipelineId::from_stream(&stored.stream);
    let contact = || ContactId::from_stream(&stored.stream);
    match (event, deal(), pipeline(), contact()) {
        (DomainEvent::DealCreated(e), Some(id), _, _) => deals::created(conn, id, e, stored, board),
        (DomainEvent::DealUpdated(e), Some(id), _, _) => deals::updated(conn, id, e, stored, board),
        (DomainEvent::DealStageChanged(e), Some(id), _, _) => deals::stage_changed(conn, id, e, stored, board),
        (DomainEvent::DealContactAdded(e), Some(id), _, _) => deals::contact_added(conn, id, board, e, stored),
        (DomainEvent::DealNoteAdded(e), Some(id), _, _) => deals::note_added(conn, id, board, e, stored),
        (DomainEvent::DealTaskAdded(e), Some(id), _, _) => deals::task_added(conn, id, board, e, stored),
        (DomainEvent::DealTaskCompleted(e), Some(id), _, _) => deals::task_completed(conn, id, board, e, stored),
        (DomainEvent::PipelineCreated(e), _, Some(id), _) => pipelines::created(conn, id, e, stored),
        (DomainEvent::PipelineUpdated(e), _, Some(id), _) => pipelines::updated(conn, id, e, stored),
        (DomainEvent::PipelineStageAdded(e), _, Some(id), _) => pipelines::stage_added(conn, id, e, stored),
        (DomainEvent::PipelineStageUpdated(e), _, Some(id), _) => pipelines::stage_updated(conn, id, e, stored),
        (DomainEvent::PipelineDeleted(_), _, Some(id), _) => pipelines::deleted(conn, id, stored),
        (DomainEvent::ContactCreated(e), _, _, Some(id)) => contacts::created(conn, id, e, stored),
        (DomainEvent::ContactUpdated(e), _, _, Some(id)) => contacts::updated(conn, id, e, stored),
        _ => Ok(()),
    }
}

/// Deletes every read-model row (before a rebuild).
pub fn clear(conn: &Db<'_>) -> eventlog::sql::Result<()> {
    conn.execute_batch(
        "DELETE FROM rm_pipelines; DELETE FROM rm_stages; DELETE FROM rm_contacts; DELETE FROM rm_deals;
         DELETE FROM rm_deal_contacts; DELETE FROM rm_deal_notes; DELETE FROM rm_deal_tasks; DELETE FROM rm_board;
         DELETE FROM rm_board_currencies;",
    )
}
