//! `GET /hooks/{id}/logs`: the hook's delivery log as `GET /api/hooks/{id}/logs` reads it (the
//! same filters: `status`, `since`, `until`, `start`, `limit`), each attempt with its request
//! (delivery id, attempt number, event ids) and its answer (status, time taken, the answer's
//! first KiB or the error). `POST /hooks/{id}/replay` runs `POST /api/hooks/{id}/replay`'s
//! command: without a start it resends the hook's failed deliveries; with `from_position` or
//! `since` (and optional `types`) it also replays history.

use actix_web::HttpResponse;
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Data, Path, Query};
use api::{ApiError, ListParams, path_id};
use chrono::Utc;
use console::{PageError, Pages, Session};
use dispatcher::Engine;
use dispatcher::delivery::commands;
use dispatcher::delivery::log_query::LogQuery;
use dispatcher::delivery::replay::{self, ReplayRequest};
use dispatcher::hooks::model::Hook;
use domain::ids::HookId;
use eventlog::{EventStore, StorageError};
use serde_json::{Map, Value, json};

use crate::console::forms::{Posted, field_errors, may, with_layout};
use crate::console::pager::{paged, pager};

const REPLAY: &str = "/api/hooks/{id}/replay";
/// The filters the page's form sends.
const FILTERS: &[&str] = &["status", "since", "until"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/hooks/{id}/logs", web::get().to(show)).route("/hooks/{id}/replay", web::post().to(replay));
}

/// A time from the page's `datetime-local` fields (`2026-11-30T21:56`, shown and read as UTC) in
/// the RFC 3339 the API takes; anything else is passed on for the API to judge.
fn instant(text: &str) -> String {
    let b = text.as_bytes();
    let local = b.len() == 16 && b[4] == b'-' && b[10] == b'T' && b[13] == b':';
    if local { format!("{text}:00Z") } else { text.to_owned() }
}

/// The query's pairs with empty filters left out and the form's times made RFC 3339.
fn api_pairs(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(
            |(name, value)| {
                if name == "since" || name == "until" { (name, instant(value.trim())) } else { (name, value) }
            },
        )
        .collect()
}

async fn show(
    log: Data<EventStore>,
    engine: Data<Engine>,
    session: Session,
    id: Path<String>,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let id: HookId = path_id(&id)?;
    page(&log, &engine, &session, id, query.into_inner(), Replayed::default()).await
}

/// What a replay did, or why it was refused.
#[derive(Default)]
struct Replayed {
    done: Option<Value>,
    error: Option<ApiError>,
}

async fn page(
    log: &EventStore,
    engine: &Engine,
    session: &Session,
    id: HookId,
    pairs: Vec<(String, String)>,
    replayed: Replayed,
) -> Result<HttpResponse, PageError> {
    let filters = echo_filters(&pairs);
    let params = ListParams::new(api_pairs(pairs.clone()));
    let query = LogQuery::parse(&params)?;
    let page_of = query.page;
    let hook = commands::find_hook(engine, id).await?;
    let (total, entries) = commands::logs(engine, id, query).await?;
    let newest = super::live::newest_attempt(log, id).await?;
    let next_retry = next_retry(log, hook.clone()).await?;
    let entries: Vec<Value> =
        entries.iter().map(|entry| json!({ "entry": entry, "ok": entry.attempt.succeeded() })).collect();
    let shown = entries.len() as u64;
    let status = replayed.error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let pager = pager(&format!("/hooks/{id}/logs"), &pairs, page_of, shown, total);
    let page = paged(
        json!({
            "hook": { "id": hook.id, "name": hook.name }, "newest": newest, "next_retry": next_retry, "entries": entries, "total": total, "filters": filters,
            "can_replay": may(session, Method::POST, REPLAY), "replayed": replayed.done,
            "message": replayed.error.as_ref().map(|e| e.message.clone()),
            "errors": replayed.error.as_ref().and_then(field_errors).unwrap_or(json!({})),
        }),
        pager,
    );
    Pages::get().render_with(status, "hook_log.html", with_layout(session, "hooks", page))
}

/// When the hook's failing delivery is retried, if later than now (RFC 3339 UTC).
async fn next_retry(log: &EventStore, hook: Hook) -> Result<Option<String>, ApiError> {
    let due = log
        .read_async(move |conn| Ok::<_, StorageError>(super::retry::of(conn, std::slice::from_ref(&hook), Utc::now())?))
        .await?;
    Ok(due.into_values().next())
}

/// The filters as sent, to show them again in the form.
fn echo_filters(pairs: &[(String, String)]) -> Map<String, Value> {
    let sent = |name: &str| pairs.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str()).to_owned();
    FILTERS.iter().map(|name| ((*name).to_owned(), json!(sent(name)))).collect()
}

/// The replay form as the API's body: `from_position`, `since` (from the page's time field),
/// `types` and a delivery's `event_ids` (both comma-separated), each only when filled in.
fn replay_body(posted: &Posted) -> Map<String, Value> {
    let mut body = Map::new();
    if let Some(position) = posted.get("from_position") {
        body.insert("from_position".into(), json!(position));
    }
    if let Some(since) = posted.get("since") {
        body.insert("since".into(), json!(instant(since)));
    }
    // A delivery's Resend button: its events, comma-separated.
    if let Some(ids) = posted.get("event_ids") {
        let ids: Vec<&str> = ids.split(',').map(str::trim).filter(|id| !id.is_empty()).collect();
        body.insert("event_ids".into(), json!(ids));
    }
    if let Some(types) = posted.get("types") {
        let types: Vec<&str> = types.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
        body.insert("types".into(), json!(types));
    }
    body
}

async fn replay(
    log: Data<EventStore>,
    engine: Data<Engine>,
    posted: Posted,
    id: Path<String>,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, REPLAY)?;
    let id: HookId = path_id(&id)?;
    let done = async {
        let request = ReplayRequest::parse(&replay_body(&posted)).map_err(ApiError::validation)?;
        let replayed = replay::replay(&engine, id, request).await?;
        serde_json::to_value(replayed).map_err(ApiError::internal)
    };
    let replayed = match done.await {
        Ok(done) => Replayed { done: Some(done), error: None },
        // Refused input, or a resend of events no longer failed: said on the page.
        Err(error) if matches!(error.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT) => {
            Replayed { done: None, error: Some(error) }
        }
        Err(error) => return Err(error.into()),
    };
    page(&log, &engine, &posted.session, id, Vec::new(), replayed).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_times_are_read_as_utc_and_empty_filters_are_left_out() {
        assert_eq!(instant("2026-11-30T21:56"), "2026-11-30T21:56:00Z");
        assert_eq!(instant("yesterday"), "yesterday");
        let pairs = vec![("status".into(), "".into()), ("since".into(), "2026-11-30T21:56".into())];
        assert_eq!(api_pairs(pairs), [("since".to_owned(), "2026-11-30T21:56:00Z".to_owned())]);
    }
}
