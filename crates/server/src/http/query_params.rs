//! Which query parameters each `/api` `GET` route accepts: ONE table, checked for every `GET`
//! before its handler runs, so that an unknown or misspelled parameter is a 400 naming it (and
//! listing the accepted ones) on every route alike, never silently ignored. Bad values are
//! checked by each route's parser, also with a 400 naming the parameter (`api::listing`).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError, web};
use api::{ApiError, ListParams};

/// The list parameters, as Mautic names them.
const PAGE: &[&str] = &["start", "limit", "orderBy", "orderByDir", "search"];

/// (route pattern, accepted parameters) for every `GET` route under `/api`; a name ending in
/// `[` accepts every key it starts (`where[0][col]`). A `GET` route not listed takes none.
pub const ACCEPTED: &[(&str, &[&str])] = &[
    (
        "/api/deals",
        &[
            "start",
            "limit",
            "orderBy",
            "orderByDir",
            "search",
            "pipeline_id",
            "stage_id",
            "status",
            "source_id",
            "contact_id",
            "close_date_from",
            "close_date_to",
        ],
    ),
    ("/api/deals/{id}", &["asOf"]),
    ("/api/contacts", PAGE),
    ("/api/users", &["search", "start", "limit"]),
    ("/api/events", &["after", "type", "stream", "since", "until", "limit"]),
    // The export streams everything after `after`: it has no `limit`.
    ("/api/events/export", &["after", "type", "stream", "since", "until"]),
    ("/api/sources/{id}/requests", &["start", "limit", "status"]),
    (
        "/api/hooks",
        &["search", "start", "limit", "orderBy", "orderByDir", "published", "publishedOnly", "minimal", "where["],
    ),
    ("/api/hooks/{id}/logs", &["start", "limit", "status", "since", "until"]),
];

/// The parameters `pattern` accepts (none for a route the table does not list).
pub fn accepted(pattern: &str) -> &'static [&'static str] {
    ACCEPTED.iter().find(|(route, _)| *route == pattern).map_or(&[], |(_, names)| names)
}

/// Why a `GET` of `pattern` with `query` is refused; none when every parameter is accepted (or
/// when the query string cannot be decoded: the route's own extractor answers that).
pub fn query_problem(pattern: &str, query: &str) -> Option<ApiError> {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query).ok()?.into_inner();
    if let Err(error) = api::nul::check_query(&pairs) {
        return Some(error);
    }
    ListParams::new(pairs).refuse_unknown(accepted(pattern)).err()
}

/// Answers 400 for a `GET` (or `HEAD`) with a parameter its route does not take.
pub async fn check_query(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let is_read = req.method() == Method::GET || req.method() == Method::HEAD;
    let problem = match req.match_pattern() {
        Some(pattern) if is_read && !req.query_string().is_empty() => query_problem(&pattern, req.query_string()),
        _ => None,
    };
    if let Some(problem) = problem {
        let response: HttpResponse = problem.error_response();
        return Ok(req.into_response(response));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::access::RULES;

    #[test]
    fn every_listed_route_is_a_get_route_of_the_role_table() {
        for (pattern, _) in ACCEPTED {
            assert!(RULES.iter().any(|rule| rule.method == "GET" && rule.pattern == *pattern), "{pattern}");
        }
    }

    #[test]
    fn unknown_parameters_are_refused_and_known_ones_pass() {
        assert!(query_problem("/api/deals", "status=won&limit=5").is_none());
        assert!(query_problem("/api/hooks", "where%5B0%5D%5Bcol%5D=id&minimal=1").is_none());
        let problem = query_problem("/api/events/export", "limit=1").unwrap();
        assert_eq!(problem.status.as_u16(), 400);
        assert!(problem.message.contains("limit"), "{}", problem.message);
        assert!(query_problem("/api/pipelines", "bogus=1").unwrap().message.contains("takes none"));
    }
}
