//! Mautic's batch endpoints: `POST /api/hooks/batch/new`, `PUT|PATCH /api/hooks/batch/edit`,
//! `DELETE /api/hooks/batch/delete?ids[]=…`. Each item succeeds or fails on its own; the answer
//! is `{"hooks", "statusCodes"}` plus `"errors"` by index. As Mautic's PHP serialises it,
//! `hooks` is a list when every item succeeded and an object keyed by index when some failed.
//! When every item failed nothing was applied, so the answer is 422 (never 201 or 200), with
//! the same body.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Query};
use api::{Admin, ApiError, BodyValue, RequestId};
use domain::ids::HookId;
use serde_json::{Map, Value, json};

use super::answers::Ordered;
use super::edits::{editor, input, whole_input};
use super::hooks::delete_hook;
use crate::hooks::model::Hook;
use crate::hooks::{HooksApi, commands};

/// The most items one batch may hold.
pub const MAX_BATCH: usize = 200;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/hooks/batch/new").route(web::post().to(batch_new)))
        .service(web::resource("/hooks/batch/edit").route(web::put().to(batch_put)).route(web::patch().to(batch_patch)))
        .service(web::resource("/hooks/batch/delete").route(web::delete().to(batch_delete)));
}

/// The outcome of each item, by index.
#[derive(Default)]
struct Outcomes {
    hooks: Vec<(usize, Value)>,
    status_codes: Vec<u16>,
    errors: Vec<(usize, Value)>,
}

impl Outcomes {
    fn succeeded(&mut self, index: usize, hook: &Hook, status: StatusCode) {
        self.hooks.push((index, serde_json::to_value(hook.view(None, false)).unwrap_or_default()));
        self.status_codes.push(status.as_u16());
    }

    fn failed(&mut self, index: usize, error: &ApiError) {
        self.status_codes.push(error.status.as_u16());
        self.errors.push((index, error.body()["errors"][0].clone()));
    }

    fn answer(self, status: StatusCode) -> HttpResponse {
        let hooks_applied = !self.hooks.is_empty();
        let hooks = if self.errors.is_empty() {
            Value::Array(self.hooks.into_iter().map(|(_, hook)| hook).collect())
        } else {
            serde_json::to_value(Ordered(self.hooks.into_iter().map(|(i, h)| (i.to_string(), h)).collect()))
                .unwrap_or_default()
        };
        let mut body = json!({ "hooks": hooks, "statusCodes": self.status_codes });
        if !self.errors.is_empty() {
            body["errors"] =
                serde_json::to_value(Ordered(self.errors.into_iter().map(|(i, e)| (i.to_string(), e)).collect()))
                    .unwrap_or_default();
        }
        HttpResponse::build(status_when(hooks_applied, status)).json(body)
    }
}

/// An item's `id`: none when absent, 422 when it is not a hook id (out of range included).
fn item_id(map: &Map<String, Value>) -> Result<Option<HookId>, ApiError> {
    let mut fields = api::Fields::new(map);
    let id = fields.id::<HookId>("id");
    let errors = fields.into_errors();
    if errors.is_empty() { Ok(id) } else { Err(ApiError::validation(errors)) }
}

/// The status of a batch answer: `success` when at least one item was applied, else 422.
fn status_when(applied: bool, success: StatusCode) -> StatusCode {
    if applied { success } else { StatusCode::UNPROCESSABLE_ENTITY }
}

/// The body's items: an array of objects (JSON, or a PHP form `0[name]=…&1[name]=…`).
fn items(body: BodyValue) -> Result<Vec<Value>, ApiError> {
    let items = match body.0 {
        Value::Array(items) => items,
        _ => return Err(ApiError::bad_request("a batch is an array of objects")),
    };
    if items.is_empty() || items.len() > MAX_BATCH {
        return Err(ApiError::bad_request(format!("a batch holds 1 to {MAX_BATCH} items")));
    }
    Ok(items)
}

fn object(item: Value) -> Result<Map<String, Value>, ApiError> {
    match item {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::bad_request("each item must be a JSON object")),
    }
}

async fn batch_new(
    api: Data<HooksApi>,
    Admin(user): Admin,
    request: RequestId,
    body: BodyValue,
) -> Result<HttpResponse, ApiError> {
    let mut outcomes = Outcomes::default();
    for (index, item) in items(body)?.into_iter().enumerate() {
        let created = async {
            let input = whole_input(&api, &object(item)?).await?;
            let (editor, metadata) = (editor(&user), user.metadata(&request));
            let secrets = api.secrets.clone();
            Ok::<_, ApiError>(api.log.write(move |tx| commands::create(tx, &secrets, input, &editor, &metadata)).await?)
        };
        match created.await {
            Ok(hook) => outcomes.succeeded(index, &hook, StatusCode::CREATED),
            Err(error) => outcomes.failed(index, &error),
        }
    }
    api.hooks_changed();
    Ok(outcomes.answer(StatusCode::CREATED))
}

async fn batch_edit(
    api: Data<HooksApi>,
    user: api::Principal,
    request: RequestId,
    body: BodyValue,
    put: bool,
) -> Result<HttpResponse, ApiError> {
    let mut outcomes = Outcomes::default();
    for (index, item) in items(body)?.into_iter().enumerate() {
        let edited = async {
            let map = object(item)?;
            let id = item_id(&map)?;
            let input = if put { whole_input(&api, &map).await? } else { input(&api, &map).await? };
            let (editor, metadata) = (editor(&user), user.metadata(&request));
            let secrets = api.secrets.clone();
            match (id, put) {
                (Some(id), true) => {
                    Ok(api.log.write(move |tx| commands::replace(tx, &secrets, id, input, &editor, &metadata)).await?)
                }
                (None, true) => Ok((
                    api.log.write(move |tx| commands::create(tx, &secrets, input, &editor, &metadata)).await?,
                    true,
                )),
                (Some(id), false) => Ok((
                    api.log.write(move |tx| commands::patch(tx, &secrets, id, input, &editor, &metadata)).await?,
                    false,
                )),
                (None, false) => Err(ApiError::not_found("a PATCH item needs the id of an existing hook")),
            }
        };
        match edited.await {
            Ok((hook, created)) => {
                outcomes.succeeded(index, &hook, if created { StatusCode::CREATED } else { StatusCode::OK })
            }
            Err(error) => outcomes.failed(index, &error),
        }
    }
    api.hooks_changed();
    Ok(outcomes.answer(StatusCode::OK))
}

async fn batch_put(
    api: Data<HooksApi>,
    Admin(user): Admin,
    request: RequestId,
    body: BodyValue,
) -> Result<HttpResponse, ApiError> {
    batch_edit(api, user, request, body, true).await
}

async fn batch_patch(
    api: Data<HooksApi>,
    Admin(user): Admin,
    request: RequestId,
    body: BodyValue,
) -> Result<HttpResponse, ApiError> {
    batch_edit(api, user, request, body, false).await
}

async fn batch_delete(
    api: Data<HooksApi>,
    Admin(user): Admin,
    request: RequestId,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let mut outcomes = Outcomes::default();
    for (index, raw) in listquery::id_list(&query.into_inner(), "ids", MAX_BATCH)?.into_iter().enumerate() {
        let deleted = async {
            let id: HookId = api::path_id(&raw)?;
            let (metadata, secrets) = (user.metadata(&request), api.secrets.clone());
            Ok::<_, ApiError>(api.log.write(move |tx| delete_hook(tx, &secrets, id, &metadata)).await?)
        };
        match deleted.await {
            Ok(hook) => outcomes.succeeded(index, &hook, StatusCode::OK),
            Err(error) => outcomes.failed(index, &error),
        }
    }
    api.hooks_changed();
    Ok(outcomes.answer(StatusCode::OK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_whose_items_all_failed_is_not_a_success() {
        assert_eq!(status_when(true, StatusCode::CREATED), StatusCode::CREATED);
        assert_eq!(status_when(false, StatusCode::CREATED), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(status_when(false, StatusCode::OK), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
