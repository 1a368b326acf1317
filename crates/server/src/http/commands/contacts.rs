//! `POST /api/contacts/new`, `PATCH|PUT /api/contacts/{id}/edit`.

use actix_web::http::header::LOCATION;
use actix_web::web::{self, Bytes, Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use api::{Admin, ApiError, RequestId, if_match, parse_json_object, path_id};
use domain::ids::ContactId;
use eventlog::SqliteEventLog;
use ingest::commands::contacts;
use ingest::{Ingest, user_metadata};
use projection::queries::contacts as views;
use serde_json::json;

use super::read_after;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/contacts/new").route(web::post().to(create)))
        .service(web::resource("/contacts/{id}/edit").route(web::patch().to(edit)).route(web::put().to(edit)));
}

async fn answer(log: &SqliteEventLog, id: ContactId, position: u64) -> Result<serde_json::Value, ApiError> {
    let view = read_after(log, position, move |conn| Ok(views::find(conn, id)?)).await?;
    let view = view.ok_or_else(|| ApiError::internal(format!("contact {id} is not in the read models yet")))?;
    Ok(json!({ "contact": view }))
}

async fn create(
    ingest: Data<Ingest>,
    Admin(user): Admin,
    request: RequestId,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let input = contacts::parse_new(&parse_json_object(&body)?)?;
    let metadata = user_metadata(&user, &request);
    let written = ingest.log.write(move |tx| contacts::create(tx, input, &metadata)).await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/contacts/{}", written.id)))
        .json(answer(&ingest.log, written.id, written.position).await?))
}

async fn edit(
    ingest: Data<Ingest>,
    Admin(user): Admin,
    request: RequestId,
    req: HttpRequest,
    id: Path<String>,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let id: ContactId = path_id(&id)?;
    let expected = if_match(&req)?;
    let edit = contacts::parse_edit(&parse_json_object(&body)?)?;
    let metadata = user_metadata(&user, &request);
    let written = ingest.log.write(move |tx| contacts::edit(tx, id, expected, edit, &metadata)).await?;
    Ok(HttpResponse::Ok().json(answer(&ingest.log, id, written.position).await?))
}
