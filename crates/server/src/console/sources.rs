//! Inbound sources. `GET /sources`: the list and, for admins, the create form with the presets
//! of `GET /api/sources/presets`. `POST /sources/new` runs what `POST /api/sources/new` runs and
//! shows the endpoint URL and the secret this once, with copy buttons and sender snippets.
//! `GET /sources/{id}`: the source and its request log (`GET /api/sources/{id}/requests`);
//! `POST /sources/{id}/secret/rotate`, `/publish` (a `PATCH …/edit` of `is_published`) and
//! `/delete` run the API's rotate, edit and delete.

use actix_web::HttpResponse;
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Data, Path, Query};
use api::{ApiError, ListParams, RequestId, path_id};
use console::pages::see_other;
use console::{PageError, Pages, Session};
use domain::ids::SourceId;
use domain::signature::SignatureScheme;
use eventlog::StorageError;
use ingest::Ingest;
use ingest::request_log::routes as request_log;
use ingest::sources::{routes, store};
use projection::queries::pipelines;
use serde_json::{Map, Value, json};

use super::forms::{Posted, may, with_layout};
use super::pager::{paged, pager};
use super::snippets;

/// Requests shown per page of a source's log, and the most a page shows.
const REQUESTS: u64 = 100;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sources", web::get().to(list))
        .route("/sources/new", web::post().to(create))
        .route("/sources/{id}", web::get().to(show))
        .route("/sources/{id}/secret/rotate", web::post().to(rotate))
        .route("/sources/{id}/publish", web::post().to(publish))
        .route("/sources/{id}/delete", web::post().to(delete));
}

async fn list(ingest: Data<Ingest>, session: Session) -> Result<HttpResponse, PageError> {
    list_page(&ingest, &session, StatusCode::OK, json!({}), json!({})).await
}

/// The list, with the create form holding `values` and the API's `errors` per field.
async fn list_page(
    ingest: &Ingest,
    session: &Session,
    status: StatusCode,
    values: Value,
    errors: Value,
) -> Result<HttpResponse, PageError> {
    let (records, all) = ingest
        .log
        .read_async(|conn| Ok::<_, StorageError>((store::list(conn)?, pipelines::list(conn)?)))
        .await
        .map_err(ApiError::from)?;
    let sources: Vec<_> = records.iter().map(|r| r.view(&ingest.public_url)).collect();
    let page = json!({
        "sources": sources, "pipelines": all, "presets": domain::mapping::presets::all(),
        "can_write": may(session, Method::POST, "/api/sources/new"), "values": values, "errors": errors,
    });
    Pages::get().render_with(status, "sources.html", with_layout(session, "sources", page))
}

async fn create(ingest: Data<Ingest>, posted: Posted, request: RequestId) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, "/api/sources/new")?;
    let mut body = Map::new();
    for name in ["name", "default_pipeline_id", "preset", "secret"] {
        // An empty secret field means "generate one", as leaving `secret` out does in the API.
        if let Some(value) = posted.get(name).filter(|value| name != "secret" || !value.is_empty()) {
            body.insert(name.into(), Value::String(value.to_owned()));
        }
    }
    match routes::create_source(&ingest, &posted.session.user, &request, &body).await {
        Ok((_, answer)) => secret_page(&posted.session, answer, "created"),
        Err(error) if error.status == StatusCode::UNPROCESSABLE_ENTITY => {
            list_page(&ingest, &posted.session, error.status, Value::Object(body), error.details).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The page that shows a secret this once: the endpoint, the secret, copy buttons, snippets.
fn secret_page(session: &Session, answer: Value, what: &str) -> Result<HttpResponse, PageError> {
    let scheme: SignatureScheme = serde_json::from_value(answer["source"]["signature"].clone()).unwrap_or_default();
    let url = answer.get("receive_url").or(answer["source"].get("endpoint_url")).cloned().unwrap_or_default();
    let (url, secret) = (url.as_str().unwrap_or_default(), answer["secret"].as_str().unwrap_or_default());
    let page = json!({
        "what": what, "answer": answer, "url": url, "snippets": snippets::for_source(scheme, url, secret),
        "preset": answer["source"]["preset"].as_str().and_then(domain::mapping::presets::find),
    });
    Pages::get().render("source_secret.html", with_layout(session, "sources", page))
}

async fn show(
    ingest: Data<Ingest>,
    session: Session,
    id: Path<String>,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let id: SourceId = path_id(&id)?;
    let params = ListParams::new(query.into_inner());
    let (total, requests) = request_log::read_page(&ingest, id, &params, REQUESTS).await?;
    let record = ingest.log.read_async(move |conn| store::find(conn, id).map_err(StorageError::from)).await;
    let record = record.map_err(ApiError::from)?;
    let source = record.ok_or_else(|| ApiError::not_found(format!("source {id} does not exist")))?;
    let page = params.page(30, REQUESTS)?;
    let shown = requests.len() as u64;
    let mapping = source.mapping.as_ref().map(|m| serde_json::to_string_pretty(m).unwrap_or_default());
    let pager = pager(&format!("/sources/{id}"), params.pairs(), page, shown, total);
    let page = paged(
        json!({
            "source": source.view(&ingest.public_url), "mapping": mapping, "total": total, "requests": requests,
            "status": params.get("status").unwrap_or_default(), "statuses": ingest::request_log::StatusFilter::names(),
            "can_write": may(&session, Method::POST, "/api/sources/{id}/secret/rotate"),
            "can_try": may(&session, Method::POST, "/api/sources/{id}/mapping/test"),
        }),
        pager,
    );
    Pages::get().render("source.html", with_layout(&session, "sources", page))
}

async fn rotate(
    ingest: Data<Ingest>,
    posted: Posted,
    id: Path<String>,
    request: RequestId,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, "/api/sources/{id}/secret/rotate")?;
    let id: SourceId = path_id(&id)?;
    let answer = routes::rotate_secret(&ingest, &posted.session.user, &request, id).await?;
    secret_page(&posted.session, answer, "rotated")
}

async fn publish(
    ingest: Data<Ingest>,
    posted: Posted,
    id: Path<String>,
    request: RequestId,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::PATCH, "/api/sources/{id}/edit")?;
    let id: SourceId = path_id(&id)?;
    let mut body = Map::new();
    body.insert("is_published".into(), Value::String(posted.get("is_published").unwrap_or_default().to_owned()));
    routes::edit_source(&ingest, &posted.session.user, &request, id, &body).await?;
    Ok(see_other(&format!("/sources/{id}")))
}

async fn delete(
    ingest: Data<Ingest>,
    posted: Posted,
    id: Path<String>,
    request: RequestId,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::DELETE, "/api/sources/{id}/delete")?;
    let id: SourceId = path_id(&id)?;
    routes::delete_source(&ingest, &posted.session.user, &request, id).await?;
    Ok(see_other("/sources"))
}
