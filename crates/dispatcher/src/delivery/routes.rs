//! Delivery's routes: `GET|PATCH /api/settings/webhooks`, and per hook `GET /logs`, `POST /test`
//! and `POST /replay` (SPEC §7).

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::web::{self, Data, Path, Query};
use api::{Admin, ApiError, Authenticated, CommandError, ListParams, ObjectBody, OptionalObjectBody, path_id};
use chrono::Utc;
use domain::ids::HookId;
use eventlog::StorageError;
use serde_json::json;
use uuid::Uuid;

use super::attempts::{self, Attempt};
use super::engine::Engine;
use super::log_query::LogQuery;
use super::replay::{self, ReplayRequest};
use super::settings::DeliverySettings;
use super::{payload, sample};
use crate::hooks::{Hook, store};

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
    let defaults = engine.context().defaults.clone();
    let settings = engine
        .context()
        .log
        .write(move |tx| {
            let next = DeliverySettings::load(tx.sql(), &defaults)?.patched(&body.0).map_err(CommandError::Invalid)?;
            next.save(tx.sql(), tx.recorded_at().timestamp_micros())?;
            Ok::<_, CommandError>(next)
        })
        .await?;
    engine.configuration_changed();
    Ok(HttpResponse::Ok().json(json!({ "settings": settings })))
}

async fn find_hook(engine: &Engine, id: HookId) -> Result<Hook, ApiError> {
    let secrets = engine.context().secrets.clone();
    let hook =
        engine.context().log.read_async(move |conn| Ok::<_, StorageError>(store::find(conn, &secrets, id)?)).await?;
    hook.ok_or_else(|| ApiError::not_found(format!("hook {id} does not exist")))
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
    find_hook(&engine, id).await?;
    let (total, entries) =
        engine.context().log.read_async(move |conn| Ok::<_, StorageError>(attempts::logs(conn, id, &query)?)).await?;
    Ok(HttpResponse::Ok().json(json!({ "total": total, "logs": entries })))
}

/// Sends a sample event now, logs the attempt as a test, and answers what the receiver said.
async fn test(engine: Data<Engine>, _: Admin, id: Path<String>) -> Result<HttpResponse, ApiError> {
    let id: HookId = path_id(&id)?;
    let hook = find_hook(&engine, id).await?;
    let settings = engine.settings().await?;
    let (now, delivery_id) = (Utc::now(), format!("msg_{}", Uuid::now_v7().simple()));
    let sampled = hook.clone();
    let items = engine.context().log.read_async(move |conn| sample::items(conn, &sampled, now)).await?;
    let body = payload::body(hook.payload_format, &items);
    let answer =
        engine.context().sender.send(&hook, &delivery_id, body, Duration::from_secs(settings.timeout), now).await;
    let attempt = Attempt { is_test: true, ..Attempt::answered(id, &delivery_id, &items, 1, &answer, now) };
    engine
        .context()
        .log
        .write(move |tx| {
            attempts::record(tx.sql(), &attempt)?;
            Ok::<_, StorageError>(attempts::trim_log(tx.sql(), id, settings.log_max)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "test": {
        "delivery_id": delivery_id,
        "success": answer.succeeded(),
        "status_code": answer.status,
        "runtime_ms": answer.runtime.as_millis() as u64,
        "note": answer.note,
    }})))
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
