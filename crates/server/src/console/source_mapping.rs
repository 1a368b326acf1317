//! A source's mapping editor. `GET /sources/{id}/mapping`: the mapping and a sample body.
//! `POST /sources/{id}/mapping/test`: the "try a sample body" panel, running what
//! `POST /api/sources/{id}/mapping/test` runs (the same dry run, nothing kept) with the edited
//! mapping. `POST /sources/{id}/mapping`: saves it as `PATCH /api/sources/{id}/edit {mapping}`.

use actix_web::HttpResponse;
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Data, Path};
use api::{ApiError, RequestId, path_id};
use console::pages::see_other;
use console::{PageError, Pages, Session};
use domain::ids::SourceId;
use eventlog::StorageError;
use ingest::Ingest;
use ingest::inbound::preview;
use ingest::sources::{routes, store};
use serde_json::{Map, Value, json};

use super::forms::{Posted, may, with_layout};

const TRY_ROUTE: &str = "/api/sources/{id}/mapping/test";
const SAMPLE: &str = r#"{"title": "Acme Corp - Enterprise", "amount": 15000, "contact": {"email": "jane@acme.com"}}"#;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sources/{id}/mapping", web::get().to(show))
        .route("/sources/{id}/mapping", web::post().to(save))
        .route("/sources/{id}/mapping/test", web::post().to(try_sample));
}

/// What the form holds and what the last try or save answered.
#[derive(Default)]
struct Outcome {
    mapping: Option<String>,
    sample: Option<String>,
    preview: Option<Value>,
    errors: Value,
    status: Option<StatusCode>,
}

async fn page(ingest: &Ingest, session: &Session, id: SourceId, outcome: Outcome) -> Result<HttpResponse, PageError> {
    let record = ingest.log.read_async(move |conn| store::find(conn, id).map_err(StorageError::from)).await;
    let source =
        record.map_err(ApiError::from)?.ok_or_else(|| ApiError::not_found(format!("source {id} does not exist")))?;
    let saved = source.mapping.as_ref().map(|m| serde_json::to_string_pretty(m).unwrap_or_default());
    let page = json!({
        "source": source.view(&ingest.public_url),
        "mapping": outcome.mapping.or(saved).unwrap_or_default(),
        "sample": outcome.sample.unwrap_or_else(|| SAMPLE.to_owned()),
        "preview": outcome.preview.as_ref().map(|p| serde_json::to_string_pretty(p).unwrap_or_default()),
        "valid": outcome.preview.as_ref().map(|p| p["valid"].clone()),
        "problems": outcome.preview.as_ref().map(|p| p["problems"].clone()),
        "errors": outcome.errors,
        "can_try": may(session, Method::POST, TRY_ROUTE),
        "can_save": may(session, Method::PATCH, "/api/sources/{id}/edit"),
    });
    let status = outcome.status.unwrap_or(StatusCode::OK);
    Pages::get().render_with(status, "source_mapping.html", with_layout(session, "sources", page))
}

async fn show(ingest: Data<Ingest>, session: Session, id: Path<String>) -> Result<HttpResponse, PageError> {
    page(&ingest, &session, path_id(&id)?, Outcome::default()).await
}

/// The mapping field as JSON: `None` when empty (no mapping), or the API's words for bad JSON.
fn mapping_value(posted: &Posted) -> Result<Value, ApiError> {
    match posted.get("mapping") {
        None => Ok(Value::Null),
        Some(text) => serde_json::from_str(text)
            .map_err(|error| ApiError::invalid_field("mapping", format!("is not valid JSON: {error}"))),
    }
}

/// A failed try or save: a 4xx with field details is shown beside the fields; others as pages.
fn beside_fields(error: ApiError, mut outcome: Outcome) -> Result<Outcome, PageError> {
    if !error.status.is_client_error() || error.status == StatusCode::FORBIDDEN {
        return Err(error.into());
    }
    let details = error.details.as_object().filter(|d| !d.is_empty()).cloned();
    outcome.errors = details.map_or_else(|| json!({ "sample": [error.message] }), Value::Object);
    outcome.status = Some(error.status);
    Ok(outcome)
}

async fn try_sample(ingest: Data<Ingest>, posted: Posted, id: Path<String>) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, TRY_ROUTE)?;
    let id: SourceId = path_id(&id)?;
    let sample = posted.get("sample").unwrap_or_default().to_owned();
    let outcome = Outcome {
        mapping: Some(posted.get("mapping").unwrap_or_default().to_owned()),
        sample: Some(sample.clone()),
        ..Outcome::default()
    };
    let tried = async {
        let mut body = Map::new();
        body.insert("mapping".into(), mapping_value(&posted)?);
        // A JSON sample is sent as its JSON text; anything else as a form body, as the API reads it.
        let sample = serde_json::from_str::<Value>(&sample).ok().filter(|v| v.is_object() || v.is_array());
        body.insert("body".into(), sample.unwrap_or(Value::String(posted.get("sample").unwrap_or_default().into())));
        preview::try_sample(&ingest, id, &body).await
    };
    let outcome = match tried.await {
        Ok(preview) => Outcome { preview: Some(preview), ..outcome },
        Err(error) => beside_fields(error, outcome)?,
    };
    page(&ingest, &posted.session, id, outcome).await
}

async fn save(
    ingest: Data<Ingest>,
    posted: Posted,
    id: Path<String>,
    request: RequestId,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::PATCH, "/api/sources/{id}/edit")?;
    let id: SourceId = path_id(&id)?;
    let saved = async {
        let mut body = Map::new();
        body.insert("mapping".into(), mapping_value(&posted)?);
        routes::edit_source(&ingest, &posted.session.user, &request, id, &body).await
    };
    match saved.await {
        Ok(_) => Ok(see_other(&format!("/sources/{id}"))),
        Err(error) => {
            let outcome = Outcome {
                mapping: Some(posted.get("mapping").unwrap_or_default().to_owned()),
                sample: posted.get("sample").map(str::to_owned),
                ..Outcome::default()
            };
            let outcome = beside_fields(error, outcome)?;
            page(&ingest, &posted.session, id, outcome).await
        }
    }
}
