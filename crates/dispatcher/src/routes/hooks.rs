//! The single-hook routes of Mautic's `/api/hooks` contract, the list and the triggers.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::web::{self, Data, Path, Query};
use api::{Admin, ApiError, Authenticated, CommandError, ListParams, ObjectBody, RequestId, path_id};
use domain::Metadata;
use domain::ids::HookId;
use domain::secrets::SecretBox;
use eventlog::{StorageError, Transaction};
use serde_json::json;

use super::answers::{HookList, Ordered};
use super::edits::{editor, input, whole_input};
use crate::delivery::{health, queue};
use crate::hooks::listing::HookQuery;
use crate::hooks::model::Hook;
use crate::hooks::{HooksApi, commands, store, triggers};

/// Registers the fixed paths (`/hooks`, `/hooks/triggers`, `/hooks/new`); [`configure_by_id`]
/// registers `/hooks/{id}…`, after the batch routes' fixed paths.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/hooks").route(web::get().to(list)))
        .service(web::resource("/hooks/triggers").route(web::get().to(list_triggers)))
        .service(web::resource("/hooks/new").route(web::post().to(create)));
}

/// Registers `/hooks/{id}`, `/hooks/{id}/edit` and `/hooks/{id}/delete`.
pub fn configure_by_id(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/hooks/{id}").route(web::get().to(get_one)))
        .service(web::resource("/hooks/{id}/edit").route(web::put().to(replace)).route(web::patch().to(patch)))
        .service(web::resource("/hooks/{id}/delete").route(web::delete().to(delete)));
}

/// `{"hook": …}` with the hook's health, read after the change, as `reader` may see it.
async fn answer(
    api: &HooksApi,
    hook: Hook,
    status: StatusCode,
    reader: &api::Principal,
) -> Result<HttpResponse, ApiError> {
    let id = hook.id;
    let health =
        api.log.read_async(move |conn| health::of(conn, std::slice::from_ref(&hook)).map(|h| (hook, h))).await?;
    let (hook, mut health) = health;
    let mut response = HttpResponse::build(status);
    if status == StatusCode::CREATED {
        response.insert_header((LOCATION, format!("/api/hooks/{id}")));
    }
    Ok(response.json(json!({ "hook": hook.view(health.remove(&id), false).for_reader(reader) })))
}

async fn list(
    api: Data<HooksApi>,
    Authenticated(reader): Authenticated,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let query = HookQuery::parse(&ListParams::new(query.into_inner()), chrono::Utc::now())?;
    let minimal = query.minimal;
    let secrets = api.secrets.clone();
    let (total, hooks, health) = api
        .log
        .read_async(move |conn| {
            let (total, hooks) = store::list(conn, &secrets, &query)?;
            let health = health::of(conn, &hooks)?;
            Ok::<_, StorageError>((total, hooks, health))
        })
        .await?;
    let views = hooks
        .iter()
        .map(|hook| (hook.id.to_string(), hook.view(health.get(&hook.id).cloned(), minimal).for_reader(&reader)))
        .collect();
    Ok(HttpResponse::Ok().json(HookList { total, hooks: Ordered(views) }))
}

async fn list_triggers(_: Authenticated) -> HttpResponse {
    let entries = triggers::TRIGGERS
        .iter()
        .map(|t| (t.name.to_owned(), json!({ "label": t.label, "description": t.description })))
        .collect();
    HttpResponse::Ok().json(json!({ "triggers": Ordered(entries) }))
}

async fn get_one(
    api: Data<HooksApi>,
    Authenticated(reader): Authenticated,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: HookId = path_id(&id)?;
    let secrets = api.secrets.clone();
    let hook = api.log.read_async(move |conn| Ok::<_, StorageError>(store::find(conn, &secrets, id)?)).await?;
    let hook = hook.ok_or_else(|| ApiError::not_found(format!("hook {id} does not exist")))?;
    answer(&api, hook, StatusCode::OK, &reader).await
}

async fn create(
    api: Data<HooksApi>,
    Admin(user): Admin,
    request: RequestId,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let input = whole_input(&api, &body.0).await?;
    let (editor, metadata, secrets) = (editor(&user), user.metadata(&request), api.secrets.clone());
    let hook = api.log.write(move |tx| commands::create(tx, &secrets, input, &editor, &metadata)).await?;
    api.hooks_changed();
    answer(&api, hook, StatusCode::CREATED, &user).await
}

async fn replace(
    api: Data<HooksApi>,
    Admin(user): Admin,
    request: RequestId,
    id: Path<String>,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let id: HookId = path_id(&id)?;
    let input = whole_input(&api, &body.0).await?;
    let (editor, metadata, secrets) = (editor(&user), user.metadata(&request), api.secrets.clone());
    let (hook, created) =
        api.log.write(move |tx| commands::replace(tx, &secrets, id, input, &editor, &metadata)).await?;
    api.hooks_changed();
    answer(&api, hook, if created { StatusCode::CREATED } else { StatusCode::OK }, &user).await
}

async fn patch(
    api: Data<HooksApi>,
    Admin(user): Admin,
    request: RequestId,
    id: Path<String>,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let id: HookId = path_id(&id)?;
    let input = input(&api, &body.0).await?;
    let (editor, metadata, secrets) = (editor(&user), user.metadata(&request), api.secrets.clone());
    let hook = api.log.write(move |tx| commands::patch(tx, &secrets, id, input, &editor, &metadata)).await?;
    api.hooks_changed();
    answer(&api, hook, StatusCode::OK, &user).await
}

async fn delete(
    api: Data<HooksApi>,
    Admin(user): Admin,
    request: RequestId,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: HookId = path_id(&id)?;
    let (metadata, secrets) = (user.metadata(&request), api.secrets.clone());
    let hook: Hook = api.log.write(move |tx| delete_hook(tx, &secrets, id, &metadata)).await?;
    api.hooks_changed();
    Ok(HttpResponse::Ok().json(json!({ "hook": hook.view(None, false) })))
}

/// Deletes a hook with everything delivery kept for it (queue, state, log), in one write unit.
pub(super) fn delete_hook(
    tx: &mut Transaction<'_>,
    secrets: &SecretBox,
    id: HookId,
    metadata: &Metadata,
) -> Result<Hook, CommandError> {
    let hook = commands::delete(tx, secrets, id, metadata)?;
    queue::forget_hook(tx.sql(), id)?;
    Ok(hook)
}
