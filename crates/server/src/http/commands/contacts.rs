//! `POST /api/contacts/new`, `PATCH|PUT /api/contacts/{id}/edit`.

use actix_web::HttpResponse;
use actix_web::http::header::LOCATION;
use actix_web::web::{self, Data};
use api::{Admin, ApiError, ObjectBody, RequestId};
use domain::ids::ContactId;
use eventlog::EventStore;
use ingest::commands::contacts;
use ingest::{Ingest, user_metadata};
use projection::queries::contacts as views;
use serde_json::json;

use super::entity::OnEntity;
use super::read_after;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/contacts/new").route(web::post().to(create)))
        .service(web::resource("/contacts/{id}/edit").route(web::patch().to(edit)).route(web::put().to(edit)));
}

async fn answer(log: &EventStore, id: ContactId, position: u64) -> Result<serde_json::Value, ApiError> {
    let view = read_after(log, position, move |conn| Ok(views::find(conn, id)?)).await?;
    let view = view.ok_or_else(|| ApiError::internal(format!("contact {id} is not in the read models yet")))?;
    Ok(json!({ "contact": view }))
}

async fn create(
    ingest: Data<Ingest>,
    Admin(user): Admin,
    request: RequestId,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let input = contacts::parse_new(&body.0)?;
    let metadata = user_metadata(&user, &request);
    let written = ingest.log.write(move |tx| contacts::create(tx, input, &metadata)).await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/contacts/{}", written.id)))
        .json(answer(&ingest.log, written.id, written.position).await?))
}

async fn edit(ingest: Data<Ingest>, r: OnEntity<ContactId>) -> Result<HttpResponse, ApiError> {
    let edit = contacts::parse_edit(&r.object()?)?;
    let id = r.id;
    let written = ingest.log.write(move |tx| contacts::edit(tx, r.id, r.expected, edit, &r.metadata)).await?;
    Ok(HttpResponse::Ok().json(answer(&ingest.log, id, written.position).await?))
}
