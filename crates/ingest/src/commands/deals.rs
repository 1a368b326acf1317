//! Deal commands: create, edit, move to a stage, add a contact, a note or a task, complete a task.

use api::Fields;
use api::limits::{IdText, out_of_range};
use chrono::NaiveDate;
use domain::contact::NewContact;
use domain::deal::{self, Deal, DealEdit, DealError, NewDeal};
use domain::ids::{ContactId, DealId, IdKind, NoteId, PipelineId, StageId, TaskId};
use domain::values::{BoundedText, Currency, CustomFields, FieldErrors};
use domain::{DomainEvent, Metadata};
use eventlog::Transaction;
use serde_json::{Map, Value};

use super::Written;
use crate::contacts::{self, check_version};
use crate::refusals::{DealFields, deal_refused};
use crate::streams::{PipelineCache, append_deal, load_contact, load_deal};
use crate::{CommandError, input};

/// A deal to create, as asked: the contacts are looked up when it is decided.
#[derive(Clone, Debug)]
pub struct NewDealInput {
    pub deal: NewDeal,
    pub pipeline_id: PipelineId,
    pub contact_ids: Vec<ContactId>,
}

/// `{title, amount?, currency?, close_date?, pipeline_id?, stage_id?, contact_ids?, custom_fields?}`;
/// the pipeline defaults to 1, the stage to its first.
pub fn parse_new(map: &Map<String, Value>, default_currency: Currency) -> Result<NewDealInput, FieldErrors> {
    Fields::parse_object(map, |fields| {
        let title = input::title(fields, true);
        let amount = input::amount(fields).unwrap_or_default();
        let currency = input::currency(fields).unwrap_or(default_currency);
        let close_date = input::clearable_date(fields, "close_date").flatten();
        let pipeline_id = fields.id("pipeline_id").unwrap_or(PipelineId(1));
        let stage_id = fields.id("stage_id");
        let contact_ids = contact_ids(fields);
        let custom_fields =
            input::custom_fields(fields).map(|p| CustomFields::default().patched(&p)).unwrap_or_default();
        let deal = NewDeal {
            title: title?,
            amount,
            currency,
            close_date,
            stage_id,
            custom_fields,
            source_id: None,
            external_id: None,
            contacts: Vec::new(),
        };
        Some(NewDealInput { deal, pipeline_id, contact_ids })
    })
}

fn contact_ids(fields: &mut Fields<'_>) -> Vec<ContactId> {
    let Some(value) = fields.value("contact_ids") else { return Vec::new() };
    let Some(items) = value.as_array() else {
        fields.error("contact_ids", "must be an array of contact ids");
        return Vec::new();
    };
    let mut ids = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let text = item.as_str().map_or_else(|| item.to_string(), |text| text.trim().to_owned());
        match IdText::of(&text) {
            IdText::Id(id) => ids.push(ContactId(id)),
            IdText::OutOfRange => fields.error(&format!("contact_ids[{index}]"), out_of_range(&text)),
            IdText::NotANumber => {
                fields.error(&format!("contact_ids[{index}]"), "must be a contact id (a positive integer)")
            }
        }
    }
    ids
}

/// `{title?, amount?, close_date?, currency?, custom_fields?}`; `close_date: null` clears it.
pub fn parse_edit(map: &Map<String, Value>) -> Result<DealEdit, FieldErrors> {
    Fields::parse_object(map, |fields| {
        Some(DealEdit {
            title: input::title(fields, false),
            amount: input::amount(fields),
            currency: input::currency(fields),
            close_date: input::clearable_date(fields, "close_date"),
            custom_fields: input::custom_fields(fields),
        })
    })
}

/// `{stage_id, pipeline_id?}`: a stage of the deal's pipeline, or of the pipeline given.
pub fn parse_move(map: &Map<String, Value>) -> Result<(StageId, Option<PipelineId>), FieldErrors> {
    Fields::parse_object(map, |fields| {
        if fields.value("stage_id").is_none() {
            fields.error("stage_id", "is required");
        }
        let (stage, pipeline) = (fields.id("stage_id"), fields.id("pipeline_id"));
        Some((stage?, pipeline))
    })
}

/// A contact to add: an existing one by id, or one looked up (or created) by email.
#[derive(Clone, Debug)]
pub enum ContactToAdd {
    Existing(ContactId),
    ByEmail(NewContact),
}

/// `{contact_id}` or `{email, first_name?, last_name?, company?}`.
pub fn parse_contact(map: &Map<String, Value>) -> Result<ContactToAdd, FieldErrors> {
    Fields::parse_object(map, |fields| match fields.value("contact_id") {
        Some(_) => {
            fields.allow(&["email", "first_name", "last_name", "company"]);
            fields.id("contact_id").map(ContactToAdd::Existing)
        }
        None => input::new_contact(fields).map(ContactToAdd::ByEmail),
    })
}

/// `{text}`: 1–10,000 characters.
pub fn parse_note(map: &Map<String, Value>) -> Result<BoundedText, FieldErrors> {
    Fields::parse_object(map, |fields| fields.required_text("text", 10_000))
}

/// `{title, due_date?}`.
pub fn parse_task(map: &Map<String, Value>) -> Result<(BoundedText, Option<NaiveDate>), FieldErrors> {
    Fields::parse_object(map, |fields| {
        let title = fields.required_text("title", 255);
        let due = input::clearable_date(fields, "due_date").flatten();
        Some((title?, due))
    })
}

fn refused(error: DealError) -> CommandError {
    deal_refused(error, DealFields::ADMIN)
}

/// The deal, or 404.
pub fn existing(tx: &Transaction<'_>, id: DealId) -> Result<Deal, CommandError> {
    load_deal(tx, id)?.ok_or_else(|| CommandError::NotFound(format!("deal {id} does not exist")))
}

/// Creates a deal in an existing pipeline, with existing contacts.
pub fn create(
    tx: &mut Transaction<'_>,
    cache: &PipelineCache,
    mut input: NewDealInput,
    metadata: &Metadata,
) -> Result<Written<DealId>, CommandError> {
    let mut errors = FieldErrors::new();
    let pipeline = cache.load(tx, input.pipeline_id)?.filter(|p| !p.deleted);
    if pipeline.is_none() {
        errors.add("pipeline_id", format!("pipeline {} does not exist", input.pipeline_id));
    }
    for id in &input.contact_ids {
        match load_contact(tx, *id)? {
            Some(contact) if !input.deal.contacts.iter().any(|c| c.id == *id) => {
                input.deal.contacts.push(contact.snapshot())
            }
            Some(_) => {}
            None => errors.add("contact_ids", format!("contact {id} does not exist")),
        }
    }
    let Some(pipeline) = pipeline.filter(|_| errors.is_empty()) else { return Err(CommandError::Invalid(errors)) };
    let events = deal::create_deal(&pipeline, input.deal).map_err(refused)?;
    let id = DealId(tx.next_id(IdKind::Deal)?);
    append_deal(tx, id, None, &events, metadata)?;
    Ok(Written { id, position: tx.head() })
}

/// Loads a deal, checks `If-Match`, decides, and appends what was decided (possibly nothing).
fn change(
    tx: &mut Transaction<'_>,
    id: DealId,
    expected: Option<u64>,
    metadata: &Metadata,
    decide: impl FnOnce(&mut Transaction<'_>, &Deal) -> Result<Vec<DomainEvent>, CommandError>,
) -> Result<Written<DealId>, CommandError> {
    let deal = existing(tx, id)?;
    check_version(&format!("deal {id}"), expected, deal.version)?;
    let events = decide(tx, &deal)?;
    append_deal(tx, id, Some(deal.version), &events, metadata)?;
    Ok(Written { id, position: tx.head() })
}

/// Edits a deal's fields.
pub fn edit(
    tx: &mut Transaction<'_>,
    id: DealId,
    expected: Option<u64>,
    edit: DealEdit,
    metadata: &Metadata,
) -> Result<Written<DealId>, CommandError> {
    change(tx, id, expected, metadata, |_, deal| Ok(deal::edit_deal(deal, &edit)))
}

/// Moves a deal to a stage of its pipeline (or of `pipeline`); a won or lost stage sets its status.
pub fn move_to_stage(
    tx: &mut Transaction<'_>,
    cache: &PipelineCache,
    id: DealId,
    expected: Option<u64>,
    (stage, pipeline): (StageId, Option<PipelineId>),
    metadata: &Metadata,
) -> Result<Written<DealId>, CommandError> {
    change(tx, id, expected, metadata, |tx, deal| {
        let pipeline_id = pipeline.unwrap_or(deal.pipeline.id);
        let target = cache
            .load(tx, pipeline_id)?
            .ok_or_else(|| CommandError::invalid("pipeline_id", format!("pipeline {pipeline_id} does not exist")))?;
        deal::move_deal(deal, &target, Some(stage)).map_err(refused)
    })
}

/// Adds a contact (looked up or created by email, or an existing one by id).
pub fn add_contact(
    tx: &mut Transaction<'_>,
    id: DealId,
    expected: Option<u64>,
    contact: ContactToAdd,
    metadata: &Metadata,
) -> Result<Written<DealId>, CommandError> {
    change(tx, id, expected, metadata, |tx, deal| {
        let snapshot = match contact {
            ContactToAdd::Existing(contact_id) => match load_contact(tx, contact_id)? {
                Some(contact) => contact.snapshot(),
                None => {
                    return Err(CommandError::invalid("contact_id", format!("contact {contact_id} does not exist")));
                }
            },
            ContactToAdd::ByEmail(new) => contacts::find_or_create(tx, new, metadata)?.snapshot,
        };
        Ok(deal::add_contact(deal, snapshot))
    })
}

/// Adds a note and answers its id.
pub fn add_note(
    tx: &mut Transaction<'_>,
    id: DealId,
    expected: Option<u64>,
    text: BoundedText,
    metadata: &Metadata,
) -> Result<Written<(DealId, NoteId)>, CommandError> {
    let note = NoteId(tx.next_id(IdKind::Note)?);
    let written = change(tx, id, expected, metadata, |_, _| Ok(deal::add_note(note, text)))?;
    Ok(Written { id: (id, note), position: written.position })
}

/// Adds a task and answers its id.
pub fn add_task(
    tx: &mut Transaction<'_>,
    id: DealId,
    expected: Option<u64>,
    (title, due_date): (BoundedText, Option<NaiveDate>),
    metadata: &Metadata,
) -> Result<Written<(DealId, TaskId)>, CommandError> {
    let task = TaskId(tx.next_id(IdKind::Task)?);
    let written = change(tx, id, expected, metadata, |_, _| Ok(deal::add_task(task, title, due_date)))?;
    Ok(Written { id: (id, task), position: written.position })
}

/// Marks a task complete (nothing when it already is).
pub fn complete_task(
    tx: &mut Transaction<'_>,
    id: DealId,
    task: TaskId,
    expected: Option<u64>,
    metadata: &Metadata,
) -> Result<Written<(DealId, TaskId)>, CommandError> {
    let written = change(tx, id, expected, metadata, |_, deal| deal::complete_task(deal, task).map_err(refused))?;
    Ok(Written { id: (id, task), position: written.position })
}
