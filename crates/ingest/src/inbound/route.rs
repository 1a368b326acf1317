//! The HTTP handler of the inbound endpoint.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_ENCODING;
use actix_web::web::{self, Bytes, Data, Path};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use api::{ApiError, RequestId, parse_json_object};
use domain::ids::SourceId;
use domain::signature::{SignatureError, verify_inbound};
use domain::{Actor, Metadata};
use eventlog::CatchUp;
use sha2::{Digest, Sha256};

use super::body::read_capped;
use super::encoding::{self, DecodeError};
use super::payload::InboundPayload;
use super::unit::{self, InboundRequest};
use crate::request_log;
use crate::sources::ActiveSource;
use crate::state::Ingest;

/// The header carrying the sender's signature.
pub const SIGNATURE_HEADER: &str = "X-DealFlow-Signature";

/// Registers the public (unauthenticated) inbound route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/deal-flow/settings/inbound-webhooks/{source_id}/receive")
            .wrap(actix_web::middleware::from_fn(request_log::record))
            .route(web::post().to(receive)),
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
    let sent = read_capped(&req, payload, ingest.settings.body_limit).await?;
    req.extensions_mut().insert(request_log::BodySize(sent.len() as u64));
    verify(&source, &req, &sent)?;
    let idempotency_key = idempotency_key(&req)?;
    let body = json_text(&req, sent, ingest.settings.body_limit).await?;
    let map = parse_json_object(&body)?;
    let (payload, payload_errors) = InboundPayload::parse(&map);
    let request = InboundRequest {
        source_id: source.id,
        default_pipeline_id: source.default_pipeline_id,
        payload,
        payload_errors,
        idempotency_key,
        body_sha256: hex::encode(Sha256::digest(&body)),
        size: body.len() as u64,
        default_currency: ingest.default_currency,
        idempotency_window: Duration::from_secs(ingest.settings.idempotency_window_hours * 3600),
        metadata: Metadata::new(
            Actor::source(source.id, source.name.clone()),
            Some(request_id.0).filter(|r| !r.is_empty()),
        ),
    };
    let pipelines = ingest.pipelines.clone();
    // The unit reads and decides before it writes, so it needs no savepoint of its own.
    let answer =
        ingest.log.write_decided(move |tx| unit::receive(tx, &pipelines, request)).await.inspect_err(|error| {
            metrics::counter!("dealflow_inbound_requests_total", "outcome" => outcome_of(error)).increment(1);
        })?;
    metrics::counter!("dealflow_inbound_requests_total", "outcome" => answer.outcome()).increment(1);
    // Read-your-writes, as for admin commands: a GET right after this answer shows the deal.
    read_models.wait(answer.position).await;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status).content_type("application/json").body(answer.into_body());
    response.extensions_mut().insert(request_log::RecordedInUnit);
    Ok(response)
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

/// The JSON text of a verified body: its `Content-Encoding` undone (415 for a coding not
/// supported, 413 when it decodes past the body cap, 400 when it does not decode) and a leading
/// byte-order mark skipped.
async fn json_text(req: &HttpRequest, sent: Bytes, limit: usize) -> Result<Bytes, ApiError> {
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

/// Checks the signature against the source's current secret (and the previous one during its
/// grace period). Failures are counted and logged without the body.
fn verify(source: &ActiveSource, req: &HttpRequest, body: &[u8]) -> Result<(), ApiError> {
    let header = req.headers().get(SIGNATURE_HEADER).map(|v| v.to_str().unwrap_or_default());
    let mut outcome = Err(SignatureError::Missing);
    for secret in source.secrets_at(chrono::Utc::now()) {
        outcome = verify_inbound(secret.as_bytes(), body, header);
        if !matches!(outcome, Err(SignatureError::Mismatch)) {
            break;
        }
    }
    outcome.map_err(|error| {
        let reason = match error {
            SignatureError::Missing => "missing",
            SignatureError::Malformed => "malformed",
            SignatureError::Mismatch => "mismatch",
        };
        metrics::counter!("dealflow_inbound_signature_failures_total", "reason" => reason).increment(1);
        tracing::warn!(source = %source.id, reason, size = body.len(), "refused an inbound request with a bad signature");
        ApiError::forbidden(format!("{error}; sign the raw body with HMAC-SHA256 and send {SIGNATURE_HEADER}: sha256=<hex>"))
    })
}

/// `Idempotency-Key`, or Standard Webhooks' `webhook-id`.
fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let header = req.headers().get("Idempotency-Key").or_else(|| req.headers().get("webhook-id"));
    let Some(value) = header else { return Ok(None) };
    match value.to_str() {
        Ok(key) if (1..=255).contains(&key.trim().len()) => Ok(Some(key.trim().to_owned())),
        _ => Err(ApiError::bad_field("Idempotency-Key", "must be 1 to 255 visible characters")),
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
