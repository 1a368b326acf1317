//! `GET /api/sources/{id}/requests`: a source's request log, newest first.

use actix_web::HttpResponse;
use actix_web::web::{self, Data, Path, Query};
use api::{ApiError, Authenticated, ListParams, path_id};
use domain::ids::SourceId;
use eventlog::StorageError;
use serde_json::json;

use super::row::{RequestRow, StatusFilter};
use super::store;
use crate::sources::store as sources;
use crate::state::Ingest;

/// Registers the route under the `/api` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/sources/{id}/requests").route(web::get().to(list)));
}

/// `status`: `success`, `failed`, or one outcome's name; 400 for anything else.
pub fn status_filter(params: &ListParams) -> Result<Option<StatusFilter>, ApiError> {
    params
        .get("status")
        .map(|value| {
            StatusFilter::parse(value).ok_or_else(|| {
                let names = StatusFilter::names().join(", ");
                ApiError::bad_field("status", format!("unknown status {value:?}; use one of {names}"))
            })
        })
        .transpose()
}

async fn list(
    ingest: Data<Ingest>,
    _: Authenticated,
    id: Path<String>,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let id: SourceId = path_id(&id)?;
    let (total, requests) = read_page(&ingest, id, &ListParams::new(query.into_inner()), 1000).await?;
    Ok(HttpResponse::Ok().json(json!({ "total": total, "requests": requests })))
}

/// One page of a source's request log, newest first, by the list parameters `start`, `limit`
/// (up to `max_limit`) and `status`; 404 for an unknown source. The console's source page reads
/// it too.
pub async fn read_page(
    ingest: &Ingest,
    id: SourceId,
    params: &ListParams,
    max_limit: u64,
) -> Result<(u64, Vec<RequestRow>), ApiError> {
    let page = params.page(30, max_limit)?;
    let filter = status_filter(params)?;
    // Rows of refusals may still be queued: store them first, so the list shows every answer sent.
    ingest.request_log.flush().await?;
    ingest
        .log
        .read_async(move |conn| {
            if sources::find(conn, id)?.is_none() {
                return Ok::<_, StorageError>(None);
            }
            Ok(Some(store::list(conn, id, filter, page.start, page.limit)?))
        })
        .await?
        .ok_or_else(|| ApiError::not_found(format!("source {id} does not exist")))
}
