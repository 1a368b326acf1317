//! `GET /api/contacts?search=`, `GET /api/contacts/{id}`.

use actix_web::HttpResponse;
use actix_web::http::header::ETAG;
use actix_web::web::{self, Data, Path, Query};
use api::{ApiError, Authenticated, etag, path_id};
use domain::ids::ContactId;
use eventlog::EventStore;
use serde_json::json;

use super::{params, read};
use crate::queries::contacts::{self, ORDER_COLUMNS};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/contacts").route(web::get().to(list)))
        .service(web::resource("/contacts/{id}").route(web::get().to(get_one)));
}

async fn list(
    log: Data<EventStore>,
    _: Authenticated,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = params(query);
    let page = params.page(30, 1000)?;
    let order = params.order(ORDER_COLUMNS, "id")?;
    let search = params.get("search").map(str::to_owned);
    let (total, found) = read(&log, move |conn| Ok(contacts::list(conn, search.as_deref(), order, page)?)).await?;
    Ok(HttpResponse::Ok().json(json!({ "total": total, "contacts": found })))
}

async fn get_one(log: Data<EventStore>, _: Authenticated, id: Path<String>) -> Result<HttpResponse, ApiError> {
    let id: ContactId = path_id(&id)?;
    let contact = read(&log, move |conn| Ok(contacts::find(conn, id)?)).await?;
    let contact = contact.ok_or_else(|| ApiError::not_found(format!("contact {id} does not exist")))?;
    Ok(HttpResponse::Ok().insert_header((ETAG, etag(contact.version))).json(json!({ "contact": contact })))
}
