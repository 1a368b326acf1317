//! Step 3 of the inbound endpoint: the source's signature scheme checked over the raw bytes, as
//! sent, with the current secret and one still inside its rotation grace period, in constant
//! time, before anything is parsed (SPEC §5, §5a).

use actix_web::http::header::HeaderMap;
use api::ApiError;
use domain::signature::{self, Headers, VerifyError};
use serde_json::json;

use crate::sources::ActiveSource;

/// An HTTP header map seen through the verifier's [`Headers`]; a value that is not text is
/// absent.
pub struct HttpHeaders<'a>(pub &'a HeaderMap);

impl Headers for HttpHeaders<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Verifies a request for `source`: 403 naming the expected header and the scheme, or the
/// clock skew for a stale timestamp, never which byte differed. Failures are counted and
/// logged without the body.
pub fn verify<H: Headers + ?Sized>(
    source: &ActiveSource,
    headers: &H,
    query: &str,
    body: &[u8],
) -> Result<(), ApiError> {
    let now = chrono::Utc::now();
    let secrets: Vec<&str> = source.secrets_at(now).collect();
    let request = signature::InboundRequest { headers, query, body };
    signature::verify_signature(&source.scheme, &secrets, request, now).map_err(|error| refused(source, &error, body))
}

fn refused(source: &ActiveSource, error: &VerifyError, body: &[u8]) -> ApiError {
    let (reason, scheme) = (error.reason(), source.scheme.scheme);
    metrics::counter!("dealflow_inbound_signature_failures_total", "reason" => reason).increment(1);
    tracing::warn!(source = %source.id, %scheme, reason, size = body.len(), "refused an inbound request that failed verification");
    ApiError::forbidden(error.to_string()).with_details(json!({ "scheme": scheme, "reason": reason }))
}
