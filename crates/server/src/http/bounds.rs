//! Size bounds on query strings, checked once for every route before any handler parses one:
//! at most [`MAX_QUERY_BYTES`] bytes and [`api::limits::MAX_PAIRS`] `name=value` pairs. Query
//! parsing is flat (no recursion); nested keys such as `where[0][col]` are read by each route's
//! own bounded grammar.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use api::ApiError;
use api::limits::MAX_PAIRS;

/// The longest query string, in bytes.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;

/// Why a query string is refused; none when it is within bounds.
pub fn query_problem(query: &str) -> Option<ApiError> {
    if query.len() > MAX_QUERY_BYTES {
        return Some(ApiError::bad_request(format!("the query string is longer than {MAX_QUERY_BYTES} bytes")));
    }
    if query.split('&').filter(|pair| !pair.is_empty()).count() > MAX_PAIRS {
        return Some(ApiError::bad_request(format!("the query string has more than {MAX_PAIRS} parameters")));
    }
    None
}

/// Answers 400 for a query string out of bounds; passes every other request on.
pub async fn bound_query(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if let Some(problem) = query_problem(req.query_string()) {
        let response: HttpResponse = problem.error_response();
        return Ok(req.into_response(response));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_bounded_in_bytes_and_pairs() {
        assert!(query_problem("a=1&b=2").is_none());
        assert!(query_problem(&vec!["a=1"; MAX_PAIRS].join("&")).is_none());
        assert!(query_problem(&vec!["a=1"; MAX_PAIRS + 1].join("&")).is_some());
        assert!(query_problem(&"x".repeat(MAX_QUERY_BYTES + 1)).is_some());
    }
}
