//! `/api/sources`: list, get, new (the secret shown once), edit, delete, secret rotation, and
//! the presets a source can be created from.

use actix_web::HttpResponse;
use actix_web::http::header::LOCATION;
use actix_web::web::{self, Data, Path};
use api::{Admin, ApiError, Authenticated, Fields, ObjectBody, Principal, RequestId, path_id};
use domain::Metadata;
use domain::ids::{PipelineId, SourceId};
use eventlog::StorageError;
use serde_json::{Map, Value, json};

use super::commands::{self, NewSecret, SourceInput};
use super::settings;
use super::store::{self, SourceRecord, endpoint_url};
use crate::secrets::generate_source_secret;
use crate::state::{Ingest, user_metadata};
use domain::signature::{SignatureScheme, access_key_query};

/// Registers the routes under the `/api` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/sources").route(web::get().to(list)))
        .service(web::resource("/sources/new").route(web::post().to(create)))
        .service(web::resource("/sources/presets").route(web::get().to(presets)))
        .service(web::resource("/sources/{id}").route(web::get().to(get_one)))
        .service(web::resource("/sources/{id}/edit").route(web::patch().to(edit)).route(web::put().to(replace)))
        .service(web::resource("/sources/{id}/delete").route(web::delete().to(delete)))
        .service(web::resource("/sources/{id}/secret/rotate").route(web::post().to(rotate)));
}

fn parse_input(body: &Map<String, Value>, require_name: bool) -> Result<SourceInput, ApiError> {
    let mut fields = Fields::new(body);
    let name = if require_name { fields.required_text("name", 255) } else { fields.optional_text("name", 255) };
    let input = SourceInput {
        name,
        default_pipeline_id: fields.id::<PipelineId>("default_pipeline_id"),
        is_published: fields.boolean("is_published"),
        settings: settings::read(&mut fields),
    };
    fields.refuse_unknown();
    let errors = fields.into_errors();
    if errors.is_empty() { Ok(input) } else { Err(ApiError::validation(errors)) }
}

async fn list(ingest: Data<Ingest>, _: Authenticated) -> Result<HttpResponse, ApiError> {
    let records = ingest.log.read_async(|conn| store::list(conn).map_err(StorageError::from)).await?;
    let sources: Vec<_> = records.iter().map(|r| r.view(&ingest.public_url)).collect();
    Ok(HttpResponse::Ok().json(json!({ "total": sources.len(), "sources": sources })))
}

async fn get_one(ingest: Data<Ingest>, _: Authenticated, id: Path<String>) -> Result<HttpResponse, ApiError> {
    let id: SourceId = path_id(&id)?;
    let record = ingest.log.read_async(move |conn| store::find(conn, id).map_err(StorageError::from)).await?;
    let record = record.ok_or_else(|| ApiError::not_found(format!("source {id} does not exist")))?;
    Ok(HttpResponse::Ok().json(json!({ "source": record.view(&ingest.public_url) })))
}

async fn create(
    ingest: Data<Ingest>,
    Admin(user): Admin,
    request: RequestId,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let (id, answer) = create_source(&ingest, &user, &request, &body.0).await?;
    Ok(HttpResponse::Created().insert_header((LOCATION, format!("/api/sources/{id}"))).json(answer))
}

/// `POST /api/sources/new` for `user`: the source's id and the answer, with the secret shown
/// this once. The console's create form runs this too.
pub async fn create_source(
    ingest: &Ingest,
    user: &Principal,
    request: &RequestId,
    body: &Map<String, Value>,
) -> Result<(SourceId, Value), ApiError> {
    create_source_as(ingest, body, user_metadata(user, request)).await
}

/// `POST /api/sources/new` on behalf of whoever `metadata` names; `dealflow sources add` runs
/// this with the CLI's actor.
pub async fn create_source_as(
    ingest: &Ingest,
    body: &Map<String, Value>,
    metadata: Metadata,
) -> Result<(SourceId, Value), ApiError> {
    let input = parse_input(body, true)?;
    let secret = input.settings.secret.clone().unwrap_or_else(generate_source_secret);
    let sealed = ingest.secrets.seal(&secret);
    let pipelines = ingest.pipelines.clone();
    let record = ingest.log.write(move |tx| commands::create(tx, &pipelines, input, sealed, &metadata)).await?;
    tracing::info!(source = %record.id, name = %record.name, "created an inbound source");
    let answer = json!({ "source": record.view(&ingest.public_url) });
    Ok((record.id, with_secret(answer, &record, &secret, &ingest.public_url)))
}

/// Adds the secret, shown this once, to an answer; for `url_token` sources also as the
/// `access_key` and the endpoint URL that carries it (`receive_url`), to paste into the sender.
fn with_secret(
    mut answer: serde_json::Value,
    record: &SourceRecord,
    secret: &str,
    public_url: &str,
) -> serde_json::Value {
    answer["secret"] = json!(secret);
    if record.signature == SignatureScheme::UrlToken {
        answer["access_key"] = json!(secret);
        answer["receive_url"] = json!(format!("{}?{}", endpoint_url(public_url, record.id), access_key_query(secret)));
    }
    answer
}

/// `GET /api/sources/presets`: the known senders, with scheme, mapping and documentation link.
async fn presets(_: Authenticated) -> HttpResponse {
    let presets = domain::mapping::presets::all();
    HttpResponse::Ok().json(json!({ "total": presets.len(), "presets": presets }))
}

async fn edit(
    ingest: Data<Ingest>,
    admin: Admin,
    request: RequestId,
    id: Path<String>,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let id: SourceId = path_id(&id)?;
    let input = parse_input(&body.0, false)?;
    apply_edit(ingest, admin, request, id, input).await
}

/// PUT: every editable field is set; absent ones take their defaults.
async fn replace(
    ingest: Data<Ingest>,
    admin: Admin,
    request: RequestId,
    id: Path<String>,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let id: SourceId = path_id(&id)?;
    let mut input = parse_input(&body.0, true)?;
    input.default_pipeline_id = input.default_pipeline_id.or(Some(PipelineId(1)));
    input.is_published = input.is_published.or(Some(true));
    apply_edit(ingest, admin, request, id, input).await
}

async fn apply_edit(
    ingest: Data<Ingest>,
    Admin(user): Admin,
    request: RequestId,
    id: SourceId,
    input: SourceInput,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(edit_with(&ingest, &user, &request, id, input).await?))
}

/// `PATCH /api/sources/{id}/edit` with `body`, for `user`: `{"source"}`. The console's publish
/// switch runs this too.
pub async fn edit_source(
    ingest: &Ingest,
    user: &Principal,
    request: &RequestId,
    id: SourceId,
    body: &Map<String, Value>,
) -> Result<Value, ApiError> {
    let input = parse_input(body, false)?;
    edit_with(ingest, user, request, id, input).await
}

async fn edit_with(
    ingest: &Ingest,
    user: &Principal,
    request: &RequestId,
    id: SourceId,
    input: SourceInput,
) -> Result<Value, ApiError> {
    let (pipelines, metadata) = (ingest.pipelines.clone(), user_metadata(user, request));
    let new_secret = input
        .settings
        .secret
        .as_deref()
        .map(|secret| NewSecret { sealed: ingest.secrets.seal(secret), grace_until: grace_until(ingest) });
    let record = ingest.log.write(move |tx| commands::edit(tx, &pipelines, id, input, new_secret, &metadata)).await?;
    ingest.sources.forget(id);
    Ok(json!({ "source": record.view(&ingest.public_url) }))
}

async fn delete(
    ingest: Data<Ingest>,
    Admin(user): Admin,
    request: RequestId,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: SourceId = path_id(&id)?;
    Ok(HttpResponse::Ok().json(delete_source(&ingest, &user, &request, id).await?))
}

/// `DELETE /api/sources/{id}/delete` for `user`: `{"source"}` as it was.
pub async fn delete_source(
    ingest: &Ingest,
    user: &Principal,
    request: &RequestId,
    id: SourceId,
) -> Result<Value, ApiError> {
    let metadata = user_metadata(user, request);
    let record = ingest.log.write(move |tx| commands::delete(tx, id, &metadata)).await?;
    ingest.sources.forget(id);
    Ok(json!({ "source": record.view(&ingest.public_url) }))
}

async fn rotate(
    ingest: Data<Ingest>,
    Admin(user): Admin,
    request: RequestId,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: SourceId = path_id(&id)?;
    Ok(HttpResponse::Ok().json(rotate_secret(&ingest, &user, &request, id).await?))
}

/// `POST /api/sources/{id}/secret/rotate` for `user`: the answer with the new secret, shown
/// this once.
pub async fn rotate_secret(
    ingest: &Ingest,
    user: &Principal,
    request: &RequestId,
    id: SourceId,
) -> Result<Value, ApiError> {
    rotate_secret_as(ingest, id, user_metadata(user, request)).await
}

/// `POST /api/sources/{id}/secret/rotate` on behalf of whoever `metadata` names; `dealflow
/// sources rotate` runs this with the CLI's actor.
pub async fn rotate_secret_as(ingest: &Ingest, id: SourceId, metadata: Metadata) -> Result<Value, ApiError> {
    let secret = generate_source_secret();
    let sealed = ingest.secrets.seal(&secret);
    let grace_until = grace_until(ingest);
    let record = ingest.log.write(move |tx| commands::rotate_secret(tx, id, sealed, grace_until, &metadata)).await?;
    ingest.sources.forget(id);
    let answer = json!({ "source": record.view(&ingest.public_url), "previous_secret_valid_until": grace_until });
    Ok(with_secret(answer, &record, &secret, &ingest.public_url))
}

/// Until when a replaced secret stays valid (`ingest.secret_grace_hours` from now).
fn grace_until(ingest: &Ingest) -> chrono::DateTime<chrono::Utc> {
    let grace = chrono::Duration::hours(i64::try_from(ingest.settings.secret_grace_hours).unwrap_or(24));
    chrono::Utc::now() + grace
}
