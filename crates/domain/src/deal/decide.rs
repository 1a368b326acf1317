use chrono::NaiveDate;

use super::Deal;
use crate::events::*;
use crate::ids::{NoteId, PipelineId, SourceId, StageId, TaskId};
use crate::pipeline::Pipeline;
use crate::values::{Amount, BoundedText, Change, Currency, CustomFields, CustomFieldsPatch, Title};

/// Why a deal command was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DealError {
    #[error("pipeline {0} has been deleted")]
    PipelineDeleted(PipelineId),
    #[error("pipeline {0} has no stages")]
    PipelineHasNoStages(PipelineId),
    #[error("stage {stage} is not a stage of pipeline {pipeline}")]
    StageNotInPipeline { stage: StageId, pipeline: PipelineId },
    #[error("task {0} is not a task of this deal")]
    UnknownTask(TaskId),
    #[error("a title is required when creating a deal")]
    TitleRequired,
}

/// A deal to create.
#[derive(Clone, Debug)]
pub struct NewDeal {
    pub title: Title,
    pub amount: Amount,
    pub currency: Currency,
    pub close_date: Option<NaiveDate>,
    /// The starting stage; the pipeline's first stage when none.
    pub stage_id: Option<StageId>,
    pub custom_fields: CustomFields,
    pub source_id: Option<SourceId>,
    pub external_id: Option<String>,
    pub contacts: Vec<ContactSnapshot>,
}

/// Changes to a deal's fields; `None` leaves a field alone.
#[derive(Clone, Debug, Default)]
pub struct DealEdit {
    pub title: Option<Title>,
    pub amount: Option<Amount>,
    pub currency: Option<Currency>,
    /// `Some(None)` clears the close date.
    pub close_date: Option<Option<NaiveDate>>,
    pub custom_fields: Option<CustomFieldsPatch>,
}

fn open_stage(pipeline: &Pipeline, stage_id: Option<StageId>) -> Result<&Stage, DealError> {
    if pipeline.deleted {
        return Err(DealError::PipelineDeleted(pipeline.id));
    }
    match stage_id {
        Some(stage) => pipeline.stage(stage).ok_or(DealError::StageNotInPipeline { stage, pipeline: pipeline.id }),
        None => pipeline.first_stage().ok_or(DealError::PipelineHasNoStages(pipeline.id)),
    }
}

/// Decides a new deal: `deal.created`, then one `deal.contact_added` per contact.
pub fn create_deal(pipeline: &Pipeline, deal: NewDeal) -> Result<Vec<DomainEvent>, DealError> {
    let stage = open_stage(pipeline, deal.stage_id)?;
    let created = DealCreated {
        title: deal.title.into_string(),
        amount: deal.amount,
        currency: deal.currency,
        close_date: deal.close_date,
        status: DealStatus::of_stage(stage.kind),
        pipeline: pipeline.reference(),
        stage: stage.into(),
        custom_fields: deal.custom_fields,
        source_id: deal.source_id,
        external_id: deal.external_id,
    };
    let contacts = deal.contacts.into_iter().map(|contact| DomainEvent::DealContactAdded(DealContactAdded { contact }));
    Ok(std::iter::once(DomainEvent::DealCreated(created)).chain(contacts).collect())
}

/// Decides an edit of a deal's fields: one `deal.updated` with every change, or nothing.
pub fn edit_deal(deal: &Deal, edit: &DealEdit) -> Vec<DomainEvent> {
    let changes = DealChanges {
        title: edit.title.as_ref().and_then(|t| Change::between(deal.title.clone(), t.as_str().to_owned())),
        amount: edit.amount.and_then(|a| Change::between(deal.amount, a)),
        currency: edit.currency.and_then(|c| Change::between(deal.currency, c)),
        close_date: edit.close_date.and_then(|d| Change::between(deal.close_date, d)),
        custom_fields: edit
            .custom_fields
            .as_ref()
            .and_then(|patch| Change::between(deal.custom_fields.clone(), deal.custom_fields.patched(patch))),
    };
    if changes.is_empty() { Vec::new() } else { vec![DomainEvent::DealUpdated(DealUpdated { changes })] }
}

/// Decides a move to a stage of `pipeline` (the deal's own or another one); nothing when the
/// deal is already there.
pub fn move_deal(deal: &Deal, pipeline: &Pipeline, stage_id: Option<StageId>) -> Result<Vec<DomainEvent>, DealError> {
    let stage = open_stage(pipeline, stage_id)?;
    if stage.id == deal.stage.id {
        return Ok(Vec::new());
    }
    let changed = DealStageChanged {
        from: deal.stage.clone(),
        to: stage.into(),
        pipeline: pipeline.reference(),
        previous_pipeline: (pipeline.id != deal.pipeline.id).then(|| deal.pipeline.clone()),
        status: DealStatus::of_stage(stage.kind),
    };
    Ok(vec![DomainEvent::DealStageChanged(changed)])
}

/// Decides adding a contact; nothing when it is already on the deal.
pub fn add_contact(deal: &Deal, contact: ContactSnapshot) -> Vec<DomainEvent> {
    if deal.contacts.iter().any(|c| c.id == contact.id) {
        return Vec::new();
    }
    vec![DomainEvent::DealContactAdded(DealContactAdded { contact })]
}

/// Decides adding a note.
pub fn add_note(id: NoteId, text: BoundedText) -> Vec<DomainEvent> {
    vec![DomainEvent::DealNoteAdded(DealNoteAdded { note: NoteData { id, text: text.into_string() } })]
}

/// Decides adding a task.
pub fn add_task(id: TaskId, title: BoundedText, due_date: Option<NaiveDate>) -> Vec<DomainEvent> {
    vec![DomainEvent::DealTaskAdded(DealTaskAdded { task: TaskData { id, title: title.into_string(), due_date } })]
}

/// Decides completing a task; nothing when it is already complete.
pub fn complete_task(deal: &Deal, task_id: TaskId) -> Result<Vec<DomainEvent>, DealError> {
    let task = deal.tasks.iter().find(|t| t.id == task_id).ok_or(DealError::UnknownTask(task_id))?;
    if task.completed {
        return Ok(Vec::new());
    }
    Ok(vec![DomainEvent::DealTaskCompleted(DealTaskCompleted { task_id })])
}
