//! Delivery's routes: `GET|PATCH /api/settings/webhooks`, and per hook `GET /logs`, `POST /test`
//! and `POST /replay` (SPEC §7).

use actix_web::HttpResponse;
use actix_web::web::{self, Data, Path, Query};
use api::{Admin, ApiError, Authenticated, ListParams, ObjectBody, OptionalObjectBody, path_id};
use domain::ids::HookId;
use serde_json::json;

use crate::delivery::Engine;
use crate::delivery::commands;
use crate::delivery::log_query::LogQuery;
use crate::delivery::replay::{self, ReplayRequest};

/// Registers the routes inside the authenticated `/api` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/settings/webhooks").route(web::get().to(get_settings)).route(web::patch().to(patch_settings)),
    )
    .service(web::resource("/hooks/{id}/logs").route(web::get().to(logs)))
    .service(web::resource("/hooks/{id}/test").route(web::post().to(test)))
    .service(web::resource("/hooks/{id}/replay").route(web::post().to(replay)));
}

async fn get_settings(engine: Data<Engine>, _: Authenticated) -> Result<HttpResponse, ApiError> {
    let settings = engine.settings().await?;
    Ok(HttpResponse::Ok().json(json!({ "settings": settings })))
}

async fn patch_settings(engine: Data<Engine>, _: Admin, body: ObjectBody) -> Result<HttpResponse, ApiError> {
    let settings = commands::change_settings(&engine, body.0).await?;
    Ok(HttpResponse::Ok().json(json!({ "settings": settings })))
}

/// `{"total": n, "logs": [...]}`, newest first; filtered by `status`, `since` and `until`, paged
/// by `start` and `limit`.
async fn logs(
    engine: Data<Engine>,
    _: Authenticated,
    id: Path<String>,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let id: HookId = path_id(&id)?;
    let query = LogQuery::parse(&ListParams::new(query.into_inner()))?;
    let (total, entries) = commands::logs(&engine, id, query).await?;
    Ok(HttpResponse::Ok().json(json!({ "total": total, "logs": entries })))
}

/// Sends a sample event now, logs the attempt as a test, and answers what the receiver said.
async fn test(engine: Data<Engine>, _: Admin, id: Path<String>) -> Result<HttpResponse, ApiError> {
    let id: HookId = path_id(&id)?;
    let sent = commands::send_test(&engine, id).await?;
    Ok(HttpResponse::Ok().json(json!({ "test": sent })))
}
async fn replay(
    engine: Data<Engine>,
    _: Admin,
    id: Path<String>,
    body: OptionalObjectBody,
) -> Result<HttpResponse, ApiError> {
    let id: HookId = path_id(&id)?;
    let request = ReplayRequest::parse(&body.0).map_err(ApiError::validation)?;
    let replayed = replay::replay(&engine, id, request).await?;
    Ok(HttpResponse::Ok().json(json!({ "replay": replayed })))
}
