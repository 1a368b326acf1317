//! `GET /api/events` (pages in position order) and `GET /api/events/export` (NDJSON, streamed one
//! page at a time, so memory stays flat whatever the log's size).

use actix_web::HttpResponse;
use actix_web::web::{self, Bytes, Data, Query};
use api::{ApiError, Authenticated, ListParams};
use eventlog::{EventFilter, EventStore, StorageError, reader};
use serde_json::{Value, json};
use std::sync::Arc;

use super::{params, read};
use crate::history;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/events").route(web::get().to(list)))
        .service(web::resource("/events/export").route(web::get().to(export)));
}

/// `after`, `type` (comma-separated; `deal.*` matches a prefix), `stream`, `since`, `until`.
pub fn filter(params: &ListParams) -> Result<(u64, EventFilter), ApiError> {
    let after = params.parsed::<u64>("after", "a log position (0 or more)")?.unwrap_or(0);
    let filter = EventFilter {
        types: params
            .get("type")
            .map(|t| t.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect())
            .unwrap_or_default(),
        stream: params.get("stream").map(str::to_owned),
        since: params.instant("since")?,
        until: params.instant("until")?,
    };
    Ok((after, filter))
}

async fn list(
    log: Data<EventStore>,
    _: Authenticated,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(events_page(&log, &params(query), 1000).await?))
}

/// One page of the log by `filter`'s parameters and `limit` (up to `max_limit`):
/// `{"events", "next_after"}`, as `GET /api/events` answers. The console's events page reads it.
pub async fn events_page(log: &EventStore, params: &ListParams, max_limit: u64) -> Result<Value, ApiError> {
    let (after, filter) = filter(params)?;
    let limit = params.page(100, max_limit)?.limit as usize;
    read(log, move |conn| {
        let events = reader::read_all(conn, after, limit, &filter)?;
        let next_after = events.last().map_or(after, |e| e.position);
        let views = events.iter().map(history::view).collect::<Result<Vec<_>, StorageError>>()?;
        Ok(serde_json::to_value(json!({ "events": views, "next_after": next_after }))?)
    })
    .await
}

async fn export(
    log: Data<EventStore>,
    _: Authenticated,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    export_ndjson(log.into_inner(), &params(query))
}

/// The NDJSON export of the events `params` filter, streamed a page at a time, as
/// `GET /api/events/export` answers. The console's export link answers it too.
pub fn export_ndjson(log: Arc<EventStore>, params: &ListParams) -> Result<HttpResponse, ApiError> {
    let (after, filter) = filter(params)?;
    let pages = futures::stream::unfold(Some(after), move |position| {
        let (log, filter) = (log.clone(), filter.clone());
        async move {
            let after = position?;
            match log.read_async(move |conn| history::export_page(conn, after, &filter)).await {
                Ok(Some((chunk, last))) => Some((Ok::<_, actix_web::Error>(Bytes::from(chunk)), Some(last))),
                Ok(None) => None,
                Err(error) => {
                    tracing::error!(%error, "the export stopped early");
                    Some((Err(actix_web::error::ErrorInternalServerError("export failed")), None))
                }
            }
        }
    });
    Ok(HttpResponse::Ok().content_type("application/x-ndjson").streaming(pages))
}
