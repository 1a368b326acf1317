//! `POST /api/deals/new`, `PATCH|PUT /api/deals/{id}/edit`, `POST /api/deals/{id}/stage`,
//! `POST /api/deals/{id}/contacts/add`, `POST /api/deals/{id}/notes/new`,
//! `POST /api/deals/{id}/tasks/new`, `POST /api/deals/{id}/tasks/{taskId}/complete`.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, LOCATION};
use actix_web::web::{self, Data, Path};
use api::{Admin, ApiError, ObjectBody, RequestId, etag, path_id};
use domain::deal::Deal;
use domain::ids::{DealId, TaskId};
use eventlog::{EventStore, StorageError};
use ingest::commands::deals;
use ingest::{Ingest, user_metadata};
use serde_json::json;

use super::entity::OnEntity;
use super::read_after;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/deals/new").route(web::post().to(create)))
        .service(web::resource("/deals/{id}/edit").route(web::patch().to(edit)).route(web::put().to(edit)))
        .service(web::resource("/deals/{id}/stage").route(web::post().to(move_stage)))
        .service(web::resource("/deals/{id}/contacts/add").route(web::post().to(add_contact)))
        .service(web::resource("/deals/{id}/notes/new").route(web::post().to(add_note)))
        .service(web::resource("/deals/{id}/tasks/new").route(web::post().to(add_task)))
        .service(web::resource("/deals/{id}/tasks/{task_id}/complete").route(web::post().to(complete_task)));
}

/// The deal as the read models show it once they hold `position` (folded from the log if they
/// are too far behind).
async fn deal_after(log: &EventStore, id: DealId, position: u64) -> Result<Deal, ApiError> {
    let deal = read_after(log, position, move |conn| {
        if projection_reached(conn, position)? {
            Ok(projection::queries::deals::find(conn, id)?)
        } else {
            projection::history::deal_as_of(conn, id, chrono::Utc::now())
        }
    })
    .await?;
    deal.ok_or_else(|| ApiError::not_found(format!("deal {id} does not exist")))
}

fn projection_reached(conn: &eventlog::sql::Db<'_>, position: u64) -> Result<bool, StorageError> {
    Ok(eventlog::reader::checkpoint(conn, projection::CONSUMER)? >= position)
}

fn deal_answer(status: StatusCode, deal: &Deal) -> HttpResponse {
    HttpResponse::build(status).insert_header((ETAG, etag(deal.version))).json(json!({ "deal": deal }))
}

async fn create(
    ingest: Data<Ingest>,
    Admin(user): Admin,
    request_id: RequestId,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let input = deals::parse_new(&body.0, ingest.default_currency)?;
    let (cache, metadata) = (ingest.pipelines.clone(), user_metadata(&user, &request_id));
    let written = ingest.log.write(move |tx| deals::create(tx, &cache, input, &metadata)).await?;
    let deal = deal_after(&ingest.log, written.id, written.position).await?;
    let mut response = deal_answer(StatusCode::CREATED, &deal);
    response.headers_mut().insert(LOCATION, format!("/api/deals/{}", deal.id).parse().map_err(ApiError::internal)?);
    Ok(response)
}

async fn edit(ingest: Data<Ingest>, r: OnEntity<DealId>) -> Result<HttpResponse, ApiError> {
    let edit = deals::parse_edit(&r.object_or_empty()?)?;
    let written = ingest.log.write(move |tx| deals::edit(tx, r.id, r.expected, edit, &r.metadata)).await?;
    Ok(deal_answer(StatusCode::OK, &deal_after(&ingest.log, written.id, written.position).await?))
}

async fn move_stage(ingest: Data<Ingest>, r: OnEntity<DealId>) -> Result<HttpResponse, ApiError> {
    let target = deals::parse_move(&r.object_or_empty()?)?;
    let cache = ingest.pipelines.clone();
    let written =
        ingest.log.write(move |tx| deals::move_to_stage(tx, &cache, r.id, r.expected, target, &r.metadata)).await?;
    Ok(deal_answer(StatusCode::OK, &deal_after(&ingest.log, written.id, written.position).await?))
}

async fn add_contact(ingest: Data<Ingest>, r: OnEntity<DealId>) -> Result<HttpResponse, ApiError> {
    let contact = deals::parse_contact(&r.object_or_empty()?)?;
    let written = ingest.log.write(move |tx| deals::add_contact(tx, r.id, r.expected, contact, &r.metadata)).await?;
    Ok(deal_answer(StatusCode::OK, &deal_after(&ingest.log, written.id, written.position).await?))
}

async fn add_note(ingest: Data<Ingest>, r: OnEntity<DealId>) -> Result<HttpResponse, ApiError> {
    let text = deals::parse_note(&r.object_or_empty()?)?;
    let written = ingest.log.write(move |tx| deals::add_note(tx, r.id, r.expected, text, &r.metadata)).await?;
    let ((deal_id, note_id), position) = (written.id, written.position);
    let deal = deal_after(&ingest.log, deal_id, position).await?;
    let note = deal.notes.iter().find(|n| n.id == note_id);
    Ok(HttpResponse::Created()
        .insert_header((ETAG, etag(deal.version)))
        .json(json!({ "note": note, "deal_id": deal_id })))
}

async fn add_task(ingest: Data<Ingest>, r: OnEntity<DealId>) -> Result<HttpResponse, ApiError> {
    let task = deals::parse_task(&r.object_or_empty()?)?;
    let written = ingest.log.write(move |tx| deals::add_task(tx, r.id, r.expected, task, &r.metadata)).await?;
    task_answer(&ingest.log, written.id, written.position, StatusCode::CREATED).await
}

async fn complete_task(
    ingest: Data<Ingest>,
    r: OnEntity<DealId>,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let task: TaskId = path_id(&path.1)?;
    let written = ingest.log.write(move |tx| deals::complete_task(tx, r.id, task, r.expected, &r.metadata)).await?;
    task_answer(&ingest.log, written.id, written.position, StatusCode::OK).await
}

async fn task_answer(
    log: &EventStore,
    (deal_id, task_id): (DealId, TaskId),
    position: u64,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    let deal = deal_after(log, deal_id, position).await?;
    let task = deal.tasks.iter().find(|t| t.id == task_id);
    Ok(HttpResponse::build(status)
        .insert_header((ETAG, etag(deal.version)))
        .json(json!({ "task": task, "deal_id": deal_id })))
}
