//! The HTTP handler of the inbound endpoint.

use actix_web::http::header::CONTENT_ENCODING;
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Bytes, Data, Path};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use api::{ApiError, RequestId};
use domain::ids::SourceId;
use domain::signature::SignatureScheme;
use eventlog::{CatchUp, Isolation, Transaction};

use super::body::read_capped;
use super::encoding::{self, DecodeError};
use super::parse::Carrier;
use super::prepare::{Received, prepare};
use super::unit;
use super::verify::{HttpHeaders, verify};
use crate::request_log;
use crate::sources::ActiveSource;
use crate::state::Ingest;

/// The header carrying the sender's signature under the default `dealflow` scheme.
pub const SIGNATURE_HEADER: &str = "X-DealFlow-Signature";

/// Registers the public (unauthenticated) inbound route. `GET` (the query string as the body)
/// is for `url_token` sources, whose senders may only send GET (a Mautic campaign webhook).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/deal-flow/settings/inbound-webhooks/{source_id}/receive")
            .wrap(actix_web::middleware::from_fn(request_log::record))
            .route(web::post().to(receive))
            .route(web::get().to(receive)),
    );
}

// `web::Payload` is the body exactly as sent: unlike the `Bytes`, `String` and `Json` extractors,
// it does not undo a `Content-Encoding`, so the signature is checked over the compressed bytes.
async fn receive(
    ingest: Data<Ingest>,
    read_models: Data<CatchUp>,
    source_id: Path<String>,
    req: HttpRequest,
    payload: web::Payload,
    request_id: RequestId,
) -> Result<HttpResponse, ApiError> {
    let source = find_source(&ingest, &source_id).await?;
    let carrier = carrier(&req, &source)?;
    let sent = read_capped(&req, payload, ingest.settings.body_limit).await?;
    req.extensions_mut().insert(request_log::BodySize(sent.len() as u64));
    let headers = HttpHeaders(req.headers());
    verify(&source, &headers, req.query_string(), &sent)?;
    let text = decoded_text(&req, sent, ingest.settings.body_limit).await?;
    let received =
        Received { headers: &headers, query: req.query_string(), carrier, text, request_id: Some(request_id.0) };
    let prepared = prepare(&ingest, &source, received)?;
    let (pipelines, request) = (ingest.pipelines.clone(), prepared.request);
    // The unit reads and decides before it writes, so it needs no savepoint of its own.
    let unit = move |tx: &mut Transaction<'_>| unit::receive(tx, &pipelines, request);
    let received = ingest.log.write(unit).isolation(Isolation::Decided).await.inspect_err(|error| {
        metrics::counter!("dealflow_inbound_requests_total", "outcome" => outcome_of(error)).increment(1);
    })?;
    let outcome = received.outcome;
    metrics::counter!("dealflow_inbound_requests_total", "outcome" => outcome.label()).increment(1);
    // Read-your-writes, as for admin commands: a GET right after this answer shows the deal.
    read_models.wait(received.position).await;
    let status = StatusCode::from_u16(outcome.status()).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status).content_type("application/json").body(outcome.into_body());
    response.extensions_mut().insert(request_log::RecordedInUnit);
    Ok(response)
}

/// Where the body is: a POST's body, or a `url_token` source's GET query (405 for the others).
fn carrier<'r>(req: &'r HttpRequest, source: &ActiveSource) -> Result<Carrier<'r>, ApiError> {
    if req.method() != Method::GET {
        return Ok(Carrier::Body { content_type: req.content_type() });
    }
    if source.scheme.scheme == SignatureScheme::UrlToken {
        return Ok(Carrier::Query);
    }
    Err(ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "this source uses the {} signature scheme, which signs a body: send a POST (GET is only for url_token sources)",
            source.scheme.scheme
        ),
    ))
}

async fn find_source(ingest: &Ingest, raw_id: &str) -> Result<std::sync::Arc<ActiveSource>, ApiError> {
    let unknown = || ApiError::not_found(format!("no inbound source {raw_id:?}; check the endpoint URL"));
    let id: SourceId = raw_id.parse().map_err(|_| unknown())?;
    let source = ingest.sources.get(&ingest.log, &ingest.secrets, id).await.map_err(ApiError::internal)?;
    let source = source.ok_or_else(unknown)?;
    if !source.is_published {
        return Err(ApiError::forbidden(format!("inbound source {id} is unpublished; publish it to accept requests")));
    }
    Ok(source)
}

/// The text of a verified body: its `Content-Encoding` undone (415 for a coding not
/// supported, 413 when it decodes past the body cap, 400 when it does not decode) and a leading
/// byte-order mark skipped.
async fn decoded_text(req: &HttpRequest, sent: Bytes, limit: usize) -> Result<Bytes, ApiError> {
    let header = req.headers().get(CONTENT_ENCODING).map(|value| value.as_bytes());
    let codings = encoding::codings(header).map_err(decode_error)?;
    let decoded = if codings.is_empty() {
        sent
    } else {
        // Inflating up to the cap takes milliseconds: off the async workers.
        let decoded = web::block(move || encoding::decode(sent, &codings, limit)).await.map_err(ApiError::internal)?;
        decoded.map_err(decode_error)?
    };
    let skipped = decoded.len() - encoding::without_bom(&decoded).len();
    Ok(decoded.slice(skipped..))
}

fn decode_error(error: DecodeError) -> ApiError {
    match error {
        DecodeError::Unsupported(_) => ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, error.to_string())
            .with_details(serde_json::json!({ "supported": ["gzip", "deflate", "identity"] })),
        DecodeError::TooLarge(limit) => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, error.to_string())
            .with_details(serde_json::json!({ "limit_bytes": limit })),
        DecodeError::Corrupt { .. } => ApiError::bad_request(error.to_string()),
    }
}

fn outcome_of(error: &crate::CommandError) -> &'static str {
    match error {
        crate::CommandError::Invalid(_) => "invalid",
        crate::CommandError::NotFound(_) => "not_found",
        crate::CommandError::Conflict(_) => "conflict",
        crate::CommandError::Storage(_) => "error",
    }
}
