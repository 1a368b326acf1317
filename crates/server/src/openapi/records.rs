//! Operations of deals, pipelines, contacts and the event log (SPEC §6, §10). Each stub names
//! the real route; its handler lives in `projection::routes` (queries) or `http::commands`.

#![allow(dead_code)]

use super::answers::*;
use super::bodies::*;
use super::params::{DealFilters, EventFilters, Paging};

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_deals,
    new_deal,
    get_deal,
    deal_history,
    edit_deal,
    replace_deal,
    move_stage,
    add_contact,
    add_note,
    add_task,
    complete_task,
    list_pipelines,
    new_pipeline,
    get_pipeline,
    board,
    edit_pipeline,
    replace_pipeline,
    delete_pipeline,
    list_contacts,
    new_contact,
    get_contact,
    edit_contact,
    replace_contact,
    list_events,
    export_events
))]
pub struct Doc;

/// List deals.
#[utoipa::path(get, path = "/api/deals", tag = "deals", params(Paging, DealFilters),
    responses((status = 200, description = "Deals in query order, without notes and tasks", body = DealList)))]
fn list_deals() {}

/// Create a deal.
#[utoipa::path(post, path = "/api/deals/new", tag = "deals", request_body = NewDeal,
    responses((status = 201, description = "The new deal", body = DealAnswer)))]
fn new_deal() {}

/// Get a deal.
#[utoipa::path(get, path = "/api/deals/{id}", tag = "deals",
    params(("id" = u64, Path, description = "A deal id"),
        ("asOf" = Option<chrono::DateTime<chrono::Utc>>, Query, description = "The deal as it was at this instant")),
    responses((status = 200, description = "The deal with contacts, notes and tasks; `ETag: \"<version>\"`", body = DealAnswer)))]
fn get_deal() {}

/// A deal's history.
#[utoipa::path(get, path = "/api/deals/{id}/history", tag = "deals", params(("id" = u64, Path)),
    responses((status = 200, description = "The deal's events with who and when", body = DealHistory)))]
fn deal_history() {}

/// Change a deal.
#[utoipa::path(patch, path = "/api/deals/{id}/edit", tag = "deals", params(("id" = u64, Path), IfMatch),
    request_body = DealEdit, responses((status = 200, description = "The changed deal", body = DealAnswer)))]
fn edit_deal() {}

/// Change a deal (PUT).
#[utoipa::path(put, path = "/api/deals/{id}/edit", tag = "deals", params(("id" = u64, Path), IfMatch),
    request_body = DealEdit, responses((status = 200, description = "The changed deal (as PATCH)", body = DealAnswer)))]
fn replace_deal() {}

/// Move a deal to a stage.
#[utoipa::path(post, path = "/api/deals/{id}/stage", tag = "deals", params(("id" = u64, Path), IfMatch),
    request_body = StageMove, responses((status = 200, description = "The moved deal", body = DealAnswer)))]
fn move_stage() {}

/// Add a contact to a deal.
#[utoipa::path(post, path = "/api/deals/{id}/contacts/add", tag = "deals", params(("id" = u64, Path), IfMatch),
    request_body = ContactToAdd, responses((status = 200, description = "The deal with the contact", body = DealAnswer)))]
fn add_contact() {}

/// Add a note to a deal.
#[utoipa::path(post, path = "/api/deals/{id}/notes/new", tag = "deals", params(("id" = u64, Path), IfMatch),
    request_body = NewNote, responses((status = 201, description = "The new note", body = NoteAnswer)))]
fn add_note() {}

/// Add a task to a deal.
#[utoipa::path(post, path = "/api/deals/{id}/tasks/new", tag = "deals", params(("id" = u64, Path), IfMatch),
    request_body = NewTask, responses((status = 201, description = "The new task", body = TaskAnswer)))]
fn add_task() {}

/// Complete a deal's task.
#[utoipa::path(post, path = "/api/deals/{id}/tasks/{task_id}/complete", tag = "deals",
    params(("id" = u64, Path), ("task_id" = u64, Path), IfMatch),
    responses((status = 200, description = "The completed task", body = TaskAnswer)))]
fn complete_task() {}

/// List pipelines.
#[utoipa::path(get, path = "/api/pipelines", tag = "pipelines",
    responses((status = 200, description = "Every pipeline with its stages", body = PipelineList)))]
fn list_pipelines() {}

/// Create a pipeline.
#[utoipa::path(post, path = "/api/pipelines/new", tag = "pipelines", request_body = PipelineInput,
    responses((status = 201, description = "The new pipeline", body = PipelineAnswer)))]
fn new_pipeline() {}

/// Get a pipeline.
#[utoipa::path(get, path = "/api/pipelines/{id}", tag = "pipelines", params(("id" = u64, Path)),
    responses((status = 200, description = "The pipeline; `ETag: \"<version>\"`", body = PipelineAnswer)))]
fn get_pipeline() {}

/// A pipeline's board totals.
#[utoipa::path(get, path = "/api/pipelines/{id}/board", tag = "pipelines", params(("id" = u64, Path)),
    responses((status = 200, description = "Per stage: deal count, amount sum, weighted amount", body = BoardAnswer)))]
fn board() {}

/// Change a pipeline.
#[utoipa::path(patch, path = "/api/pipelines/{id}/edit", tag = "pipelines", params(("id" = u64, Path), IfMatch),
    request_body = PipelineInput, responses((status = 200, description = "The changed pipeline", body = PipelineAnswer)))]
fn edit_pipeline() {}

/// Change a pipeline (PUT).
#[utoipa::path(put, path = "/api/pipelines/{id}/edit", tag = "pipelines", params(("id" = u64, Path), IfMatch),
    request_body = PipelineInput, responses((status = 200, description = "The changed pipeline", body = PipelineAnswer)))]
fn replace_pipeline() {}

/// Delete a pipeline.
#[utoipa::path(delete, path = "/api/pipelines/{id}/delete", tag = "pipelines", params(("id" = u64, Path), IfMatch),
    responses((status = 200, description = "The pipeline as it was", body = PipelineAnswer)))]
fn delete_pipeline() {}

/// List contacts.
#[utoipa::path(get, path = "/api/contacts", tag = "contacts", params(Paging),
    responses((status = 200, description = "Contacts in query order", body = ContactList)))]
fn list_contacts() {}

/// Create a contact.
#[utoipa::path(post, path = "/api/contacts/new", tag = "contacts", request_body = ContactInput,
    responses((status = 201, description = "The new contact", body = ContactAnswer)))]
fn new_contact() {}

/// Get a contact.
#[utoipa::path(get, path = "/api/contacts/{id}", tag = "contacts", params(("id" = u64, Path)),
    responses((status = 200, description = "The contact; `ETag: \"<version>\"`", body = ContactAnswer)))]
fn get_contact() {}

/// Change a contact.
#[utoipa::path(patch, path = "/api/contacts/{id}/edit", tag = "contacts", params(("id" = u64, Path), IfMatch),
    request_body = ContactInput, responses((status = 200, description = "The changed contact", body = ContactAnswer)))]
fn edit_contact() {}

/// Change a contact (PUT).
#[utoipa::path(put, path = "/api/contacts/{id}/edit", tag = "contacts", params(("id" = u64, Path), IfMatch),
    request_body = ContactInput, responses((status = 200, description = "The changed contact", body = ContactAnswer)))]
fn replace_contact() {}

/// Read the event log.
#[utoipa::path(get, path = "/api/events", tag = "events", params(EventFilters),
    responses((status = 200, description = "Events in position order", body = EventPage)))]
fn list_events() {}

/// Export the event log as NDJSON.
#[utoipa::path(get, path = "/api/events/export", tag = "events", params(EventFilters),
    responses((status = 200, description = "One event (as in `GET /api/events`) per line, streamed",
        content_type = "application/x-ndjson", body = String)))]
fn export_events() {}

/// `If-Match: "<version>"`: refuse with 409 when the entity changed since.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    #[param(rename = "If-Match")]
    pub if_match: Option<String>,
}
