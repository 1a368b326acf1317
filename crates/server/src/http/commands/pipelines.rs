//! `POST /api/pipelines/new`, `PATCH|PUT /api/pipelines/{id}/edit`, `DELETE /api/pipelines/{id}/delete`.

use actix_web::HttpResponse;
use actix_web::http::header::LOCATION;
use actix_web::web::{self, Data};
use api::{Admin, ApiError, ObjectBody, RequestId};
use domain::ids::PipelineId;
use eventlog::EventStore;
use ingest::commands::pipelines;
use ingest::{Ingest, user_metadata};
use projection::queries::pipelines as views;
use serde_json::json;

use super::entity::OnEntity;
use super::read_after;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/pipelines/new").route(web::post().to(create)))
        .service(web::resource("/pipelines/{id}/edit").route(web::patch().to(edit)).route(web::put().to(edit)))
        .service(web::resource("/pipelines/{id}/delete").route(web::delete().to(delete)));
}

async fn answer(log: &EventStore, id: PipelineId, position: u64) -> Result<serde_json::Value, ApiError> {
    let view = read_after(log, position, move |conn| Ok(views::find(conn, id)?)).await?;
    let view = view.ok_or_else(|| ApiError::internal(format!("pipeline {id} is not in the read models yet")))?;
    Ok(json!({ "pipeline": view }))
}

async fn create(
    ingest: Data<Ingest>,
    Admin(user): Admin,
    request: RequestId,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let input = pipelines::parse_new(&body.0)?;
    let metadata = user_metadata(&user, &request);
    let written = ingest.log.write(move |tx| pipelines::create(tx, input, &metadata)).await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/pipelines/{}", written.id)))
        .json(answer(&ingest.log, written.id, written.position).await?))
}

async fn edit(ingest: Data<Ingest>, r: OnEntity<PipelineId>) -> Result<HttpResponse, ApiError> {
    let (edit, cache, id) = (pipelines::parse_edit(&r.object()?)?, ingest.pipelines.clone(), r.id);
    let written = ingest.log.write(move |tx| pipelines::edit(tx, &cache, r.id, r.expected, edit, &r.metadata)).await?;
    Ok(HttpResponse::Ok().json(answer(&ingest.log, id, written.position).await?))
}

async fn delete(ingest: Data<Ingest>, r: OnEntity<PipelineId>) -> Result<HttpResponse, ApiError> {
    let id = r.id;
    let before = ingest.log.read_async(move |conn| Ok::<_, eventlog::StorageError>(views::find(conn, id)?)).await?;
    let cache = ingest.pipelines.clone();
    let written = ingest.log.write(move |tx| pipelines::delete(tx, &cache, r.id, r.expected, &r.metadata)).await?;
    super::caught_up(&ingest.log, written.position).await;
    Ok(HttpResponse::Ok().json(json!({ "pipeline": before })))
}
