//! `GET /deals/{id}`: the deal's fields, contacts, notes, tasks and its history timeline as
//! `GET /api/deals/{id}/history` reads it; with `?asOf=` (read by the API's parser), the deal as
//! `GET /api/deals/{id}?asOf=` folds it and the history up to then. For admins, the forms of
//! the write forms (posted to `deal_writes.rs`), refilled with what was typed and the API's errors when refused.

use actix_web::HttpResponse;
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Data, Path, Query};
use api::{ApiError, ListParams, path_id};
use chrono::{DateTime, Utc};
use console::{PageError, Pages, Session};
use domain::ids::{DealId, SourceId};
use eventlog::{EventStore, StorageError, reader};
use projection::history;
use projection::queries::deals;
use serde_json::{Value, json};

use super::forms::{field_errors, may, with_layout};
use super::stale;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/deals/{id}", web::get().to(show));
}

/// A refused form of the deal page: which one (`note`, `task`, `edit`), what was typed, and the
/// API's messages by field.
pub struct Refused {
    pub form: &'static str,
    pub values: Value,
    pub error: ApiError,
}

async fn show(
    log: Data<EventStore>,
    session: Session,
    id: Path<String>,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let id: DealId = path_id(&id)?;
    let params = ListParams::new(query.into_inner());
    let typed = params.get("asOf").unwrap_or_default().to_owned();
    // After a form whose version was stale (see `stale.rs`).
    let shown = Shown { typed: &typed, notice: params.get(stale::FLAG).map(|_| stale::message("deal")) };
    match params.instant("asOf") {
        Ok(as_of) => render(&log, &session, id, as_of, shown, None).await,
        Err(error) => {
            let refused = Refused { form: "as_of", values: json!({}), error };
            render(&log, &session, id, None, shown, Some(refused)).await
        }
    }
}

/// What the page shows besides the deal: the As of field's text, and a notice at the top.
#[derive(Default)]
pub struct Shown<'a> {
    pub typed: &'a str,
    pub notice: Option<String>,
}

/// The deal page: now, or as of `as_of`; with a refused form's values and errors (answered with
/// the error's status).
pub async fn render(
    log: &EventStore,
    session: &Session,
    id: DealId,
    as_of: Option<DateTime<Utc>>,
    shown: Shown<'_>,
    refused: Option<Refused>,
) -> Result<HttpResponse, PageError> {
    let (deal, timeline) = log.read_async(move |conn| read(conn, id, as_of)).await.map_err(ApiError::from)?;
    let (deal, refused) = match (deal, as_of) {
        (Some(deal), _) => (deal, refused),
        (None, None) => return Err(ApiError::not_found(format!("deal {id} does not exist")).into()),
        // Before the deal existed: the API's 404 in its words, next to the field, over today's deal.
        (None, Some(at)) => {
            let error = ApiError::not_found(format!("deal {id} did not exist at {}", at.to_rfc3339()));
            let refused = Refused { form: "as_of", values: json!({}), error };
            let current = log.read_async(move |conn| read(conn, id, None)).await.map_err(ApiError::from)?;
            let deal = current.0.ok_or_else(|| ApiError::not_found(format!("deal {id} does not exist")))?;
            return page(session, deal, current.1, None, shown, Some(refused));
        }
    };
    page(session, deal, timeline, as_of, shown, refused)
}

fn page(
    session: &Session,
    deal: Value,
    timeline: Vec<Value>,
    as_of: Option<DateTime<Utc>>,
    shown: Shown<'_>,
    refused: Option<Refused>,
) -> Result<HttpResponse, PageError> {
    let now = as_of.is_none();
    let can = |method: Method, route: &str| now && may(session, method, route);
    // Every form has an entry, so that templates look fields up without checking first.
    let mut errors = json!({ "as_of": { "fields": {} }, "note": { "fields": {} }, "task": { "fields": {} }, "edit": { "fields": {} } });
    let (mut values, mut status) = (json!({}), StatusCode::OK);
    if let Some(r) = &refused {
        values[r.form] = r.values.clone();
        errors[r.form] = json!({ "fields": field_errors(&r.error).unwrap_or_else(|| json!({})), "message": r.error.message.clone() });
        status = r.error.status;
    }
    let page = json!({
        "deal": deal, "history": timeline, "as_of": as_of.map(|t| t.to_rfc3339()), "as_of_typed": shown.typed, "notice": shown.notice,
        "now": Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(), "values": values, "errors": errors,
        "refused": refused.as_ref().map(|r| r.form),
        "can_note": can(Method::POST, "/api/deals/{id}/notes/new"),
        "can_task": can(Method::POST, "/api/deals/{id}/tasks/new"),
        "can_complete": can(Method::POST, "/api/deals/{id}/tasks/{task_id}/complete"),
        "can_edit": can(Method::PATCH, "/api/deals/{id}/edit"),
    });
    Pages::get().render_with(status, "deal.html", with_layout(session, "deals", page))
}

/// The deal (now from the read models, or folded from its stream as of a time) and its history,
/// newest first, up to that time.
fn read(
    conn: &eventlog::sql::Db<'_>,
    id: DealId,
    as_of: Option<DateTime<Utc>>,
) -> Result<(Option<Value>, Vec<Value>), StorageError> {
    let deal = match as_of {
        Some(at) => history::deal_as_of(conn, id, at)?,
        None => deals::find(conn, id)?,
    };
    let events = reader::read_stream(conn, id.stream().as_str(), 1)?;
    let entries = history::deal_history(&events)?;
    let timeline = entries
        .iter()
        .rev()
        .filter(|entry| as_of.is_none_or(|at| entry.recorded_at <= at))
        .map(|entry| {
            let data = serde_json::from_str::<Value>(entry.data.get()).unwrap_or(json!(null));
            json!({
                "type": entry.event_type, "who": entry.changed_by.name, "recorded_at": entry.recorded_at,
                "version": entry.version, "data": serde_json::to_string_pretty(&data).unwrap_or_default(),
            })
        })
        .collect();
    let mut deal = deal.map(|d| json!(d));
    if let Some(deal) = &mut deal {
        deal["source_name"] = json!(source_name(conn, &deal["source_id"])?);
    }
    Ok((deal, timeline))
}

/// The name of the deal's inbound source (`None` without one, or when it was deleted).
fn source_name(conn: &eventlog::sql::Db<'_>, source_id: &Value) -> Result<Option<String>, StorageError> {
    let Some(id) = source_id.as_u64() else { return Ok(None) };
    Ok(ingest::sources::store::find(conn, SourceId(id))?.map(|source| source.name))
}
