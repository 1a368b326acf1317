//! The steps after verification and decoding that the real request and the mapping preview
//! share, so the preview shows exactly what the request would do: the body read into an object,
//! the source's mapping applied (or none: the body is SPEC §5's payload), the payload parsed
//! and validated field by field, the idempotency key chosen. One code path up to the write.

use std::time::Duration;

use actix_web::web::Bytes;
use api::ApiError;
use domain::mapping::MappedOutcome;
use domain::signature::Headers;
use domain::{Actor, Metadata};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::delivery_id;
use super::parse::{self, Carrier};
use super::payload::InboundPayload;
use super::unit::InboundRequest;
use crate::sources::ActiveSource;
use crate::state::Ingest;

/// A verified request, its body decoded (no `Content-Encoding`, no byte-order mark).
pub struct Received<'a, H: Headers + ?Sized> {
    pub headers: &'a H,
    pub query: &'a str,
    pub carrier: Carrier<'a>,
    pub text: Bytes,
    pub request_id: Option<String>,
}

/// What the write unit gets, and what the mapping made of the body (for the preview and the
/// request log: where each field came from, and notes such as a stage-table miss).
pub struct Prepared {
    pub request: InboundRequest,
    pub mapped: MappedOutcome,
}

/// Reads, maps and parses a received body for `source`: 400 when the body is not an object.
/// Field problems are not errors here: the write unit reports them with its own (422).
pub fn prepare<H: Headers + ?Sized>(
    ingest: &Ingest,
    source: &ActiveSource,
    received: Received<'_, H>,
) -> Result<Prepared, ApiError> {
    let header_key = delivery_id::from_headers(received.headers)?;
    let body = match &source.mapping {
        // Built only along what the mapping reads: most of a sender's body is never read.
        Some(mapping) => parse::mapped_object(received.carrier, &received.text, received.query, mapping.reads())?,
        None => parse::object(received.carrier, &received.text, received.query)?,
    };
    let mut mapped = match &source.mapping {
        Some(mapping) => mapping.apply(&Value::Object(body)),
        None => MappedOutcome::unmapped(body),
    };
    let (payload, payload_errors) = InboundPayload::parse(&mapped.payload);
    let idempotency_key = header_key.or_else(|| delivery_id::from_mapping(mapped.idempotency_key.take()));
    mapped.idempotency_key.clone_from(&idempotency_key);
    let request = InboundRequest {
        source_id: source.id,
        default_pipeline_id: source.default_pipeline_id,
        payload,
        payload_errors,
        idempotency_key,
        body_sha256: hex::encode(Sha256::digest(signed_data(&received))),
        size: received.text.len() as u64,
        notes: mapped.notes.iter().map(ToString::to_string).collect(),
        default_currency: ingest.default_currency,
        idempotency_window: Duration::from_secs(ingest.settings.idempotency_window_hours * 3600),
        metadata: Metadata::new(
            Actor::source(source.id, source.name.clone()),
            received.request_id.filter(|id| !id.is_empty()),
        ),
    };
    Ok(Prepared { request, mapped })
}

/// What identifies the request's data for its idempotency key: the body, or for a GET the
/// query without its `access_key` (a rotated key is still the same request).
fn signed_data<H: Headers + ?Sized>(received: &Received<'_, H>) -> Vec<u8> {
    match received.carrier {
        Carrier::Query => parse::without_access_key(received.query).into_bytes(),
        Carrier::Body { .. } => received.text.to_vec(),
    }
}
