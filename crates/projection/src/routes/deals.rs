//! `GET /api/deals`, `GET /api/deals/{id}` (also `?asOf=`), `GET /api/deals/{id}/history`.

use actix_web::HttpResponse;
use actix_web::http::header::ETAG;
use actix_web::web::{self, Data, Path, Query};
use api::{ApiError, Authenticated, ListParams, etag, path_id};
use domain::ids::DealId;
use eventlog::{EventStore, StorageError, reader};
use serde_json::json;

use super::{params, read};
use crate::history;
use crate::queries::deals::{self, DealFilters, DealListQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/deals").route(web::get().to(list)))
        .service(web::resource("/deals/{id}").route(web::get().to(get_one)))
        .service(web::resource("/deals/{id}/history").route(web::get().to(history)));
}

/// The filters of `GET /api/deals` (and of the console's deals list) from the query string.
pub fn deal_filters(params: &ListParams) -> Result<DealFilters, ApiError> {
    DealListQuery::read(params.pairs())?.filters()
}

async fn list(
    log: Data<EventStore>,
    _: Authenticated,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = params(query);
    let query = DealListQuery::read(params.pairs())?;
    let (page, order, filters) = (query.page()?, query.order()?, query.filters()?);
    let (total, found) = read(&log, move |conn| Ok(deals::list(conn, &filters, order, page)?)).await?;
    let items: Vec<_> = found.iter().map(deals::list_item).collect();
    Ok(HttpResponse::Ok().json(json!({ "total": total, "deals": items })))
}

async fn get_one(
    log: Data<EventStore>,
    _: Authenticated,
    id: Path<String>,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let id: DealId = path_id(&id)?;
    let params = params(query);
    if let Some(at) = params.instant("asOf")? {
        let deal = read(&log, move |conn| history::deal_as_of(conn, id, at)).await?;
        let deal =
            deal.ok_or_else(|| ApiError::not_found(format!("deal {id} did not exist at {}", at.to_rfc3339())))?;
        return Ok(HttpResponse::Ok().json(json!({ "deal": deal })));
    }
    let deal = read(&log, move |conn| Ok(deals::find(conn, id)?)).await?;
    let deal = deal.ok_or_else(|| ApiError::not_found(format!("deal {id} does not exist")))?;
    Ok(HttpResponse::Ok().insert_header((ETAG, etag(deal.version))).json(json!({ "deal": deal })))
}

async fn history(log: Data<EventStore>, _: Authenticated, id: Path<String>) -> Result<HttpResponse, ApiError> {
    let id: DealId = path_id(&id)?;
    let body = read(&log, move |conn| {
        let events = reader::read_stream(conn, id.stream().as_str(), 1)?;
        let entries = history::deal_history(&events)?;
        Ok::<_, StorageError>((!entries.is_empty()).then(|| json!({ "total": entries.len(), "events": entries })))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body.ok_or_else(|| ApiError::not_found(format!("deal {id} does not exist")))?))
}
