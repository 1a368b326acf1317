use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::context::EventContext;
use crate::events::*;
use crate::ids::{DealId, NoteId, SourceId, TaskId};
use crate::metadata::Actor;
use crate::values::{Amount, Currency, CustomFields};

/// A deal as folded from its events; serialises to the deal's public JSON shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Deal {
    pub id: DealId,
    pub title: String,
    pub amount: Amount,
    pub currency: Currency,
    pub close_date: Option<NaiveDate>,
    pub status: DealStatus,
    pub pipeline: PipelineRef,
    pub stage: StageRef,
    pub contacts: Vec<ContactSnapshot>,
    pub custom_fields: CustomFields,
    pub source_id: Option<SourceId>,
    pub external_id: Option<String>,
    pub notes: Vec<Note>,
    pub tasks: Vec<Task>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// A note on a deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Note {
    pub id: NoteId,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
}

/// A task on a deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Task {
    pub id: TaskId,
    pub title: String,
    pub due_date: Option<NaiveDate>,
    pub completed: bool,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl Deal {
    /// Folds a deal's events in stream order; `None` before `deal.created`.
    pub fn fold<'a>(id: DealId, events: impl IntoIterator<Item = (&'a DomainEvent, &'a EventContext)>) -> Option<Self> {
        events.into_iter().fold(None, |state, (event, context)| Self::evolve(state, id, event, context))
    }

    /// Applies one event to the state.
    pub fn evolve(state: Option<Self>, id: DealId, event: &DomainEvent, context: &EventContext) -> Option<Self> {
        if let DomainEvent::DealCreated(created) = event {
            return Some(Self::created(id, created, context));
        }
        let mut deal = state?;
        match event {
            DomainEvent::DealUpdated(updated) => deal.apply_changes(&updated.changes),
            DomainEvent::DealStageChanged(changed) => {
                deal.stage = changed.to.clone();
                deal.pipeline = changed.pipeline.clone();
                deal.status = changed.status;
            }
            DomainEvent::DealContactAdded(added) => deal.contacts.push(added.contact.clone()),
            DomainEvent::DealNoteAdded(added) => deal.notes.push(Note {
                id: added.note.id,
                text: added.note.text.clone(),
                created_at: context.recorded_at,
                created_by: context.actor.clone(),
            }),
            DomainEvent::DealTaskAdded(added) => deal.tasks.push(Task {
                id: added.task.id,
                title: added.task.title.clone(),
                due_date: added.task.due_date,
                completed: false,
                created_at: context.recorded_at,
                completed_at: None,
            }),
            DomainEvent::DealTaskCompleted(completed) => {
                if let Some(task) = deal.tasks.iter_mut().find(|t| t.id == completed.task_id) {
                    task.completed = true;
                    task.completed_at = Some(context.recorded_at);
                }
            }
            _ => return Some(deal),
        }
        deal.version = context.version;
        deal.updated_at = context.recorded_at;
        Some(deal)
    }

    fn created(id: DealId, created: &DealCreated, context: &EventContext) -> Self {
        Self {
            id,
            title: created.title.clone(),
            amount: created.amount,
            currency: created.currency,
            close_date: created.close_date,
            status: created.status,
            pipeline: created.pipeline.clone(),
            stage: created.stage.clone(),
            contacts: Vec::new(),
            custom_fields: created.custom_fields.clone(),
            source_id: created.source_id,
            external_id: created.external_id.clone(),
            notes: Vec::new(),
            tasks: Vec::new(),
            created_at: context.recorded_at,
            updated_at: context.recorded_at,
            version: context.version,
        }
    }

    fn apply_changes(&mut self, changes: &DealChanges) {
        if let Some(c) = &changes.title {
            self.title = c.new.clone();
        }
        if let Some(c) = &changes.amount {
            self.amount = c.new;
        }
        if let Some(c) = &changes.currency {
            self.currency = c.new;
        }
        if let Some(c) = &changes.close_date {
            self.close_date = c.new;
        }
        if let Some(c) = &changes.custom_fields {
            self.custom_fields = c.new.clone();
        }
    }
}
