//! `GET /api/pipelines`, `GET /api/pipelines/{id}`, `GET /api/pipelines/{id}/board`.

use actix_web::HttpResponse;
use actix_web::http::header::ETAG;
use actix_web::web::{self, Data, Path};
use api::{ApiError, Authenticated, etag, path_id};
use domain::ids::PipelineId;
use eventlog::EventStore;
use serde_json::json;

use super::read;
use crate::queries::pipelines;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/pipelines").route(web::get().to(list)))
        .service(web::resource("/pipelines/{id}").route(web::get().to(get_one)))
        .service(web::resource("/pipelines/{id}/board").route(web::get().to(board)));
}

async fn list(log: Data<EventStore>, _: Authenticated) -> Result<HttpResponse, ApiError> {
    let found = read(&log, |conn| Ok(pipelines::list(conn)?)).await?;
    Ok(HttpResponse::Ok().json(json!({ "total": found.len(), "pipelines": found })))
}

async fn get_one(log: Data<EventStore>, _: Authenticated, id: Path<String>) -> Result<HttpResponse, ApiError> {
    let id: PipelineId = path_id(&id)?;
    let pipeline = read(&log, move |conn| Ok(pipelines::find(conn, id)?)).await?;
    let pipeline = pipeline.ok_or_else(|| ApiError::not_found(format!("pipeline {id} does not exist")))?;
    Ok(HttpResponse::Ok().insert_header((ETAG, etag(pipeline.version))).json(json!({ "pipeline": pipeline })))
}

async fn board(log: Data<EventStore>, _: Authenticated, id: Path<String>) -> Result<HttpResponse, ApiError> {
    let id: PipelineId = path_id(&id)?;
    let board = read(&log, move |conn| Ok(pipelines::board(conn, id)?)).await?;
    let board = board.ok_or_else(|| ApiError::not_found(format!("pipeline {id} does not exist")))?;
    Ok(HttpResponse::Ok().json(json!({ "board": board })))
}
