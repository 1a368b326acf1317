//! Optimistic concurrency over HTTP: `ETag: "<version>"` on answers, `If-Match` on commands.

use actix_web::HttpRequest;

use crate::ApiError;

/// The version a command's `If-Match` header expects (`3`, `"3"` or `W/"3"`); none without one.
pub fn if_match(req: &HttpRequest) -> Result<Option<u64>, ApiError> {
    let Some(value) = req.headers().get("If-Match") else { return Ok(None) };
    let text = value.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    if text == "*" {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| ApiError::bad_field("If-Match", "must be the entity's version, e.g. \"3\""))
}

/// The `ETag` value for a version.
pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}
