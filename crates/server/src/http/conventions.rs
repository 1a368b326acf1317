//! Middleware and extractor settings that make every answer follow SPEC §9: an `X-Request-Id`
//! on every answer, `Mautic-Version` on `/api`, and errors always in the JSON error format.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use api::{ApiError, RequestId};
use tracing::Instrument;
use uuid::Uuid;

/// The Mautic API level dealflow mirrors, sent as `Mautic-Version`.
pub const MAUTIC_VERSION: &str = "5.2.0";

/// Assigns the request id, runs the request in its [`request_span`](super::request_span), then adds the convention headers and JSON error bodies to the answer.
pub async fn apply(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let request_id = req
        .headers()
        .get(RequestId::HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(RequestId::from_client)
        .unwrap_or_else(|| RequestId(Uuid::now_v7().to_string()));
    req.extensions_mut().insert(request_id.clone());
    let is_api = req.path().starts_with("/api");
    let span = super::request_span::span(&req, &request_id.0);
    let answered = next.call(req).instrument(span).await?;
    let mut response = json_errors(answered.map_into_boxed_body());
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id.0) {
        headers.insert(HeaderName::from_static("x-request-id"), value);
    }
    if is_api {
        headers.insert(HeaderName::from_static("mautic-version"), HeaderValue::from_static(MAUTIC_VERSION));
    }
    Ok(response)
}

/// Replaces a non-JSON error answer (actix's own 404/405/413 …) with the spec's error body;
/// the console's HTML error pages stay as they are.
fn json_errors(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let is_json = content_type.starts_with("application/json");
    let is_page = content_type.starts_with("text/html");
    if !(status.is_client_error() || status.is_server_error()) || is_json || is_page {
        return response;
    }
    let message = match status {
        StatusCode::NOT_FOUND => "no such route; see docs/api.md".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "this route does not accept that method".to_owned(),
        other => other.canonical_reason().unwrap_or("request failed").to_owned(),
    };
    let (request, _) = response.into_parts();
    ServiceResponse::new(request, ApiError::new(status, message).error_response())
}

/// The answer for routes that do not exist.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    ApiError::not_found(format!("no route for {} {}", req.method(), req.path())).error_response()
}

/// Query strings that do not parse: 400 in the spec's format, naming the problem.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default()
        .error_handler(|error, _| ApiError::bad_request(format!("invalid query string: {error}")).into())
}

/// Path parameters that do not parse (a non-numeric id): 400 naming the parameter.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|error, _| ApiError::bad_field("id", format!("must be a positive integer ({error})")).into())
}

/// JSON bodies read through `web::Json`: 400 for malformed JSON, 413 over the limit.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit).error_handler(move |error, _| {
        use actix_web::error::JsonPayloadError;
        match error {
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                ApiError::payload_too_large(limit).into()
            }
            other => ApiError::bad_request(format!("the body is not valid JSON: {other}")).into(),
        }
    })
}
