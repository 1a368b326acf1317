//! `POST /api/sources/{id}/mapping/test` (issue 11, "try before saving"): what a sample body
//! would become, without writing anything.
//!
//! Request: `{"body": …, "headers"?: {name: value}, "mapping"?: {…} | null, "query"?: "…"}`.
//! `body` is a JSON value (sent as its JSON text) or a string sent as it is: a form
//! (`name=Jane&contact[email]=…`; read as a form unless `headers` give another `Content-Type`
//! or it starts with `{` or `[`). Without `body`, `query` is the query string of a `url_token`
//! GET. `headers` are those the sender adds (a delivery id, `Content-Type`, a signature);
//! `signature` in the answer says whether a signature among them verifies (`null` when there is
//! none), without stopping the preview. `mapping` tries an unsaved mapping (`null`: none) instead of the source's.
//!
//! The sample goes through the same steps as a real request ([`prepare`]) and the same write
//! unit, whose transaction is then rolled back: the preview's deal is the one the request
//! would create or update, stage table included, or the same 422 problems per field.

use actix_web::HttpResponse;
use actix_web::web::{self, Bytes, Data, Path};
use api::{Admin, ApiError, CommandError, Fields, ObjectBody, path_id};
use domain::ids::SourceId;
use domain::mapping::{MappedOutcome, Mapping};
use domain::signature::{self, VerifyError};
use eventlog::StorageError;
use serde_json::{Map, Value, json};

use super::outcome::InboundOutcome;
use super::parse::Carrier;
use super::prepare::{Prepared, Received, prepare};
use super::unit;
use crate::sources::ActiveSource;
use crate::state::Ingest;

const FORM: &str = "application/x-www-form-urlencoded";

/// Registers the route under the `/api` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/sources/{id}/mapping/test").route(web::post().to(test_mapping)));
}

/// A sample request, read from the preview's body.
pub struct Sample {
    headers: Vec<(String, String)>,
    text: Bytes,
    query: String,
    content_type: String,
    is_query: bool,
    /// `Some(None)`: try without a mapping.
    mapping: Option<Option<Mapping>>,
}

async fn test_mapping(
    ingest: Data<Ingest>,
    _: Admin,
    id: Path<String>,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let id: SourceId = path_id(&id)?;
    Ok(HttpResponse::Ok().json(try_sample(&ingest, id, &body.0).await?))
}

/// What the preview request `body` (`{body, headers?, mapping?, query?}`) would become through
/// source `id`, signature check included: the answer of `POST /api/sources/{id}/mapping/test`,
/// which the console's "try a sample body" panel shows too.
pub async fn try_sample(ingest: &Ingest, id: SourceId, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let sample = read_sample(body)?;
    let source = ingest.sources.get(&ingest.log, &ingest.secrets, id).await.map_err(ApiError::internal)?;
    let source = source.ok_or_else(|| ApiError::not_found(format!("source {id} does not exist")))?;
    let source = match sample.mapping.clone() {
        Some(mapping) => std::sync::Arc::new(source.with_mapping(mapping)),
        None => source,
    };
    let mut preview = preview(ingest, &source, &sample).await?;
    preview["signature"] = signature_check(&source, &sample);
    Ok(preview)
}

impl Sample {
    /// A body as a sender would POST it, without headers: read as JSON when it is a JSON object
    /// or array, otherwise as a form (the endpoint's own rule).
    pub fn body(text: Bytes) -> Self {
        Self {
            headers: Vec::new(),
            text,
            query: String::new(),
            content_type: FORM.into(),
            is_query: false,
            mapping: None,
        }
    }
}

/// What `sample` would become through `source`, by the real request's steps and write unit,
/// rolled back: `{payload, idempotency_key, fields, notes, valid, …}` as the route answers it
/// (without `signature`). 400 when the body is not an object.
pub async fn preview(ingest: &Ingest, source: &ActiveSource, sample: &Sample) -> Result<Value, ApiError> {
    let carrier = if sample.is_query { Carrier::Query } else { Carrier::Body { content_type: &sample.content_type } };
    let received = Received {
        headers: &sample.headers,
        query: &sample.query,
        carrier,
        text: sample.text.clone(),
        request_id: None,
    };
    let Prepared { request, mapped } = prepare(ingest, source, received)?;
    let decided = dry_run(ingest, request).await?;
    answer(&mapped, decided)
}

/// When the sample carries the scheme's credential (a copied request's headers), whether it
/// verifies now: `{"valid": true}` or `{"valid": false, "reason", "message"}`; `null` when it
/// carries none. Only informs: the preview runs either way.
fn signature_check(source: &ActiveSource, sample: &Sample) -> Value {
    let now = chrono::Utc::now();
    let secrets: Vec<&str> = source.secrets_at(now).collect();
    let request = signature::InboundRequest { headers: &sample.headers, query: &sample.query, body: &sample.text };
    match signature::verify_signature(&source.scheme, &secrets, request, now) {
        Ok(()) => json!({ "valid": true }),
        Err(VerifyError::Missing { .. }) => Value::Null,
        Err(error) => json!({ "valid": false, "reason": error.reason(), "message": error.to_string() }),
    }
}

fn read_sample(map: &Map<String, Value>) -> Result<Sample, ApiError> {
    let mut fields = Fields::new(map);
    let headers = headers(&mut fields);
    let mapping = if fields.has("mapping") {
        match fields.value("mapping").map(Mapping::parse).transpose() {
            Ok(mapping) => Some(mapping),
            Err(error) => {
                fields.adopt(error.field_errors("mapping"));
                None
            }
        }
    } else {
        None
    };
    let query = fields.string("query", false, |text| Ok::<_, String>(text.to_owned())).unwrap_or_default();
    let (text, default_type) = match fields.value("body") {
        Some(Value::String(text)) => (Bytes::from(text.clone()), FORM),
        Some(value) => (Bytes::from(value.to_string()), "application/json"),
        None if fields.has("query") => (Bytes::new(), ""),
        None => {
            fields.error("body", "is required: the sample body, as JSON or as a form string");
            (Bytes::new(), "")
        }
    };
    let is_query = fields.value("body").is_none() && fields.has("query");
    fields.refuse_unknown();
    let errors = fields.into_errors();
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let content_type = header(&headers, "Content-Type").unwrap_or(default_type).to_owned();
    Ok(Sample { headers, text, query, content_type, is_query, mapping })
}

fn headers(fields: &mut Fields<'_>) -> Vec<(String, String)> {
    match fields.value("headers") {
        None => Vec::new(),
        Some(Value::Object(map)) => map
            .iter()
            .filter_map(|(name, value)| match value {
                Value::String(text) => Some((name.clone(), text.clone())),
                Value::Number(number) => Some((name.clone(), number.to_string())),
                _ => None,
            })
            .collect(),
        Some(_) => {
            fields.error("headers", "must be an object of header names to text values");
            Vec::new()
        }
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
}

/// Why the dry run's transaction ends: always an error, so the log rolls the unit back.
enum DryRun {
    Decided(Box<Result<InboundOutcome, CommandError>>),
    Storage(StorageError),
}

impl From<StorageError> for DryRun {
    fn from(error: StorageError) -> Self {
        Self::Storage(error)
    }
}

/// Runs the real write unit and rolls it back: what the request would do, with nothing kept.
async fn dry_run(
    ingest: &Ingest,
    request: unit::InboundRequest,
) -> Result<Result<InboundOutcome, CommandError>, ApiError> {
    let pipelines = ingest.pipelines.clone();
    let ran = ingest
        .log
        .write(move |tx| -> Result<(), DryRun> {
            Err(DryRun::Decided(Box::new(unit::receive(tx, &pipelines, request).map(|received| received.outcome))))
        })
        .await;
    match ran {
        Err(DryRun::Decided(decided)) => Ok(*decided),
        Err(DryRun::Storage(error)) => Err(ApiError::internal(error)),
        Ok(()) => Err(ApiError::internal("the preview's unit did not roll back")),
    }
}

fn answer_created(body: &Value) -> bool {
    body.get("created").and_then(Value::as_bool).unwrap_or(false)
}

/// The preview's answer: the request's answer (or its problems per field), and the mapping's
/// account of each field.
fn answer(mapped: &MappedOutcome, decided: Result<InboundOutcome, CommandError>) -> Result<Value, ApiError> {
    let mut preview = json!({
        "payload": mapped.payload,
        "idempotency_key": mapped.idempotency_key,
        "fields": mapped.fields,
        "notes": mapped.notes,
    });
    match decided {
        Ok(outcome) => {
            preview["valid"] = json!(true);
            preview["status"] = json!(outcome.status());
            preview["duplicate"] = json!(matches!(outcome, InboundOutcome::Replayed(_)));
            let body: Value = serde_json::from_str(&outcome.into_body()).map_err(ApiError::internal)?;
            preview["deal"] = body.get("deal").cloned().unwrap_or(Value::Null);
            if answer_created(&body) {
                // The id a creation drew was rolled back with it: another deal may take it.
                preview["deal"]["id"] = Value::Null;
            }
            preview["contact"] = body.get("contact").cloned().unwrap_or(Value::Null);
            preview["created"] = body.get("created").cloned().unwrap_or(Value::Null);
        }
        Err(CommandError::Invalid(problems)) => {
            preview["valid"] = json!(false);
            preview["status"] = json!(422);
            preview["problems"] = json!(problems);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(preview)
}
