//! `GET /events`: the event log with the type, stream and time filters of `GET /api/events`
//! (the same parser and query), each event's JSON, and paging by position. `GET /events/export`:
//! the NDJSON export of `GET /api/events/export` for the signed-in user, with the same filters
//! (the API itself takes Basic or Bearer credentials, not the console's session).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Query};
use api::ListParams;
use console::{PageError, Pages, Session};
use eventlog::EventStore;
use serde_json::{Value, json};

use super::forms::with_layout;

/// Events per page unless `limit` says otherwise (as the API), and the most a page shows.
const PAGE: (u64, u64) = (100, 200);
/// The filters the export link keeps.
const FILTERS: &[&str] = &["type", "stream", "since", "until"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/events", web::get().to(list)).route("/events/export", web::get().to(export));
}

async fn list(
    log: Data<EventStore>,
    session: Session,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let params = ListParams::new(query.into_inner());
    // A filter the parser refuses is shown beside its field, in the API's words, over no events.
    let (status, found, errors) = match projection::events_page(&log, &params, PAGE.1).await {
        Ok(found) => (StatusCode::OK, found, json!({})),
        Err(error) if error.status == StatusCode::BAD_REQUEST => (error.status, json!({}), error.details),
        Err(error) => return Err(error.into()),
    };
    let events: Vec<Value> = found["events"].as_array().cloned().unwrap_or_default();
    let limit = params.page(PAGE.0, PAGE.1).map_or(PAGE.0, |page| page.limit) as usize;
    let shown: Vec<_> = events
        .iter()
        .map(|event| {
            json!({
                "position": event["position"], "type": event["type"], "stream": event["stream"],
                "version": event["version"], "recorded_at": event["recorded_at"],
                "json": serde_json::to_string_pretty(event).unwrap_or_default(),
            })
        })
        .collect();
    let echo = |name: &str| params.get(name).unwrap_or_default().to_owned();
    let page = json!({
        "events": shown, "errors": errors,
        "filters": { "type": echo("type"), "stream": echo("stream"), "since": echo("since"), "until": echo("until") },
        "after": echo("after"),
        "next": (events.len() == limit).then(|| with_query("/events", &params, &[("after", found["next_after"].to_string())])),
        "first": params.get("after").is_some().then(|| with_query("/events", &params, &[])),
        "export": with_query("/events/export", &params, &[]),
    });
    Pages::get().render_with(status, "events.html", with_layout(&session, "events", page))
}

/// `path` with the filters of `params` and `extra` pairs.
fn with_query(path: &str, params: &ListParams, extra: &[(&str, String)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in
        params.pairs().iter().filter(|(name, value)| FILTERS.contains(&name.as_str()) && !value.is_empty())
    {
        query.append_pair(name, value);
    }
    if let Some(limit) = params.get("limit").filter(|_| path == "/events") {
        query.append_pair("limit", limit);
    }
    for (name, value) in extra {
        query.append_pair(name, value);
    }
    let query = query.finish();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

async fn export(
    log: Data<EventStore>,
    _: Session,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    Ok(projection::export_ndjson(log.into_inner(), &ListParams::new(query.into_inner()))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_drop_empty_ones() {
        let params = ListParams::new(vec![
            ("type".into(), "deal.*".into()),
            ("stream".into(), String::new()),
            ("after".into(), "7".into()),
            ("limit".into(), "5".into()),
        ]);
        assert_eq!(with_query("/events/export", &params, &[]), "/events/export?type=deal.*");
        assert_eq!(with_query("/events", &params, &[("after", "9".into())]), "/events?type=deal.*&limit=5&after=9");
    }
}
