//! The tracing span every HTTP request runs in: request id, method, route pattern, and the hook
//! or source the route names, so that every log line of a request (a server error's cause chain
//! included) says which request it belongs to.

use actix_web::dev::ServiceRequest;
use tracing::Span;

/// The span of a request with this id.
pub fn span(req: &ServiceRequest, request_id: &str) -> Span {
    let path = req.path();
    let route = req.match_pattern();
    let (kind, id) = route.as_deref().and_then(|route| named_id(route, path)).unzip();
    let id_of = |wanted: IdKind| kind.filter(|k| *k == wanted).and(id.as_deref()).map(tracing::field::display);
    tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        route = %route.as_deref().unwrap_or("(no route)"),
        hook_id = id_of(IdKind::Hook),
        source_id = id_of(IdKind::Source),
    )
}

/// Which entity a route's id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Hook,
    Source,
}

/// The hook or source id in `path`, when `route` (its pattern) names one.
pub fn named_id(route: &str, path: &str) -> Option<(IdKind, String)> {
    let kind = if route.starts_with("/api/hooks/{id}") {
        IdKind::Hook
    } else if route.starts_with("/api/sources/{id}") || route.contains("{source_id}") {
        IdKind::Source
    } else {
        return None;
    };
    let segments = route.split('/').zip(path.split('/'));
    let id = segments.filter(|(pattern, _)| *pattern == "{id}" || *pattern == "{source_id}").map(|(_, value)| value);
    id.into_iter().next().map(|id| (kind, id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_and_source_ids_are_read_from_their_routes_only() {
        assert_eq!(named_id("/api/hooks/{id}/logs", "/api/hooks/7/logs"), Some((IdKind::Hook, "7".into())));
        assert_eq!(named_id("/api/sources/{id}", "/api/sources/3"), Some((IdKind::Source, "3".into())));
        assert_eq!(
            named_id(
                "/deal-flow/settings/inbound-webhooks/{source_id}/receive",
                "/deal-flow/settings/inbound-webhooks/9/receive"
            ),
            Some((IdKind::Source, "9".into()))
        );
        assert_eq!(named_id("/api/deals/{id}", "/api/deals/4"), None);
        assert_eq!(named_id("/api/hooks/triggers", "/api/hooks/triggers"), None);
    }
}
