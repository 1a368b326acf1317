//! The deal page's writes, each running the command its API route runs, as the signed-in user:
//! `POST /deals/{id}/notes/new` (`POST /api/deals/{id}/notes/new`), `/tasks/new`
//! (`POST /api/deals/{id}/tasks/new`), `/tasks/{task_id}/complete`
//! (`POST /api/deals/{id}/tasks/{taskId}/complete`) and `/edit` (`PATCH /api/deals/{id}/edit`,
//! with the form's `version` as the `If-Match`). The form's fields carry the API's names and are
//! read by its parsers; a refused form comes back with what was typed and the API's words.

use actix_web::HttpResponse;
use actix_web::http::Method;
use actix_web::web::{self, Data, Path};
use api::{ApiError, RequestId, path_id};
use console::PageError;
use console::pages::see_other;
use domain::ids::{DealId, TaskId};
use ingest::Ingest;
use ingest::commands::deals as commands;
use serde_json::{Map, Value};

use super::deal::{Refused, Shown, render};
use super::forms::Posted;
use super::stale;
use crate::http::commands::caught_up;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/deals/{id}/notes/new", web::post().to(add_note))
        .route("/deals/{id}/tasks/new", web::post().to(add_task))
        .route("/deals/{id}/tasks/{task_id}/complete", web::post().to(complete_task))
        .route("/deals/{id}/edit", web::post().to(edit));
}

/// The named fields as the API's JSON body: strings as typed; an empty field is left out, sent
/// as `null` (cleared) when it is one of `clearable`, or sent empty when it is one of `refused`
/// (a field that cannot be emptied, such as a title: the API refuses it beside the field).
fn body(posted: &Posted, names: &[&str], clearable: &[&str], refused: &[&str]) -> Map<String, Value> {
    let mut body = Map::new();
    for name in names {
        match posted.raw(name) {
            Some("") if clearable.contains(name) => {
                body.insert((*name).into(), Value::Null);
            }
            Some("") if refused.contains(name) => {
                body.insert((*name).into(), Value::String(String::new()));
            }
            Some("") | None => {}
            Some(value) => {
                body.insert((*name).into(), Value::String(value.to_owned()));
            }
        }
    }
    body
}

/// What a write ends in: back to the deal page once the read models hold it (flagged when the
/// form's version was stale), or the page again with the form refilled and the API's messages
/// when the API would answer 4xx.
async fn answer(
    ingest: &Ingest,
    posted: &Posted,
    id: DealId,
    form: &'static str,
    typed: Map<String, Value>,
    written: Result<u64, ApiError>,
) -> Result<HttpResponse, PageError> {
    match written {
        Ok(position) => {
            caught_up(&ingest.log, position).await;
            Ok(see_other(&format!("/deals/{id}")))
        }
        // Changed by someone else since the page was drawn: the deal as it is now, saying so.
        Err(error) if stale::is_stale(&error) => Ok(see_other(&format!("/deals/{id}?{}=1", stale::FLAG))),
        Err(error) if error.status.is_client_error() && error.status.as_u16() != 404 => {
            let refused = Refused { form, values: Value::Object(typed), error };
            render(&ingest.log, &posted.session, id, None, Shown::default(), Some(refused)).await
        }
        Err(error) => Err(error.into()),
    }
}

async fn add_note(
    ingest: Data<Ingest>,
    posted: Posted,
    id: Path<String>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, "/api/deals/{id}/notes/new")?;
    let id: DealId = path_id(&id)?;
    let typed = body(&posted, &["text"], &[], &[]);
    let metadata = posted.session.user.metadata(&request_id);
    let written = match commands::parse_note(&typed) {
        Ok(text) => ingest
            .log
            .write(move |tx| commands::add_note(tx, id, None, text, &metadata))
            .await
            .map(|w| w.position)
            .map_err(ApiError::from),
        Err(errors) => Err(ApiError::from(errors)),
    };
    answer(&ingest, &posted, id, "note", typed, written).await
}

async fn add_task(
    ingest: Data<Ingest>,
    posted: Posted,
    id: Path<String>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, "/api/deals/{id}/tasks/new")?;
    let id: DealId = path_id(&id)?;
    let typed = body(&posted, &["title", "due_date"], &[], &[]);
    let metadata = posted.session.user.metadata(&request_id);
    let written = match commands::parse_task(&typed) {
        Ok(task) => ingest
            .log
            .write(move |tx| commands::add_task(tx, id, None, task, &metadata))
            .await
            .map(|w| w.position)
            .map_err(ApiError::from),
        Err(errors) => Err(ApiError::from(errors)),
    };
    answer(&ingest, &posted, id, "task", typed, written).await
}

async fn complete_task(
    ingest: Data<Ingest>,
    posted: Posted,
    path: Path<(String, String)>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, "/api/deals/{id}/tasks/{task_id}/complete")?;
    let (id, task): (DealId, TaskId) = (path_id(&path.0)?, path_id(&path.1)?);
    let metadata = posted.session.user.metadata(&request_id);
    let written = ingest.log.write(move |tx| commands::complete_task(tx, id, task, None, &metadata)).await;
    answer(&ingest, &posted, id, "task", Map::new(), written.map(|w| w.position).map_err(ApiError::from)).await
}

async fn edit(
    ingest: Data<Ingest>,
    posted: Posted,
    id: Path<String>,
    request_id: RequestId,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::PATCH, "/api/deals/{id}/edit")?;
    let id: DealId = path_id(&id)?;
    let typed = body(&posted, &["title", "amount", "currency", "close_date"], &["close_date"], &["title"]);
    let expected = posted
        .get("version")
        .map(|v| v.parse::<u64>().map_err(|_| ApiError::bad_field("version", "must be a deal version number")))
        .transpose()?;
    let metadata = posted.session.user.metadata(&request_id);
    let written = match commands::parse_edit(&typed) {
        Ok(edit) => ingest
            .log
            .write(move |tx| commands::edit(tx, id, expected, edit, &metadata))
            .await
            .map(|w| w.position)
            .map_err(ApiError::from),
        Err(errors) => Err(ApiError::from(errors)),
    };
    answer(&ingest, &posted, id, "edit", typed, written).await
}
