//! `GET /hooks`: the hooks a page at a time, read by the same parser and query as
//! `GET /api/hooks` (`search`, `start`, `limit`, `orderBy`…), each with the health that route
//! shows: last success, failing since, pending and failed counts, and why dealflow unpublished
//! it; and when a failing hook's next retry is due.

use actix_web::HttpResponse;
use actix_web::http::Method;
use actix_web::web::{self, Data, Query};
use api::{ApiError, ListParams};
use console::{PageError, Pages, Session};
use dispatcher::HooksApi;
use dispatcher::delivery::health;
use dispatcher::hooks::listing::HookQuery;
use dispatcher::hooks::store;
use eventlog::StorageError;
use serde_json::json;

use crate::console::forms::{may, with_layout};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/hooks", web::get().to(list));
}

async fn list(
    api: Data<HooksApi>,
    session: Session,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let params = ListParams::new(query.into_inner());
    let parsed = HookQuery::parse(&params, chrono::Utc::now())?;
    let page = parsed.page;
    let secrets = api.secrets.clone();
    let (total, hooks, health, retry) = api
        .log
        .read_async(move |conn| {
            let (total, hooks) = store::list(conn, &secrets, &parsed)?;
            let health = health::of(conn, &hooks)?;
            let retry = super::retry::of(conn, &hooks, chrono::Utc::now())?;
            Ok::<_, StorageError>((total, hooks, health, retry))
        })
        .await
        .map_err(ApiError::from)?;
    let rows: Vec<_> = hooks
        .iter()
        .map(|hook| {
            let health = health.get(&hook.id).cloned().unwrap_or_default();
            let state = super::health_state(&health);
            let view = hook.view(Some(health), false).for_reader(&session.user);
            json!({ "hook": view, "events": hook.triggers.len(), "state": state, "next_retry": retry.get(&hook.id) })
        })
        .collect();
    let shown = rows.len() as u64;
    let link = |start: u64| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in params.pairs().iter().filter(|(name, _)| name != "start") {
            query.append_pair(name, value);
        }
        format!("/hooks?{}", query.append_pair("start", &start.to_string()).finish())
    };
    let page = json!({
        "rows": rows, "total": total, "search": params.get("search").unwrap_or_default(),
        "first": page.start + 1, "last": page.start + shown,
        "previous": (page.start > 0).then(|| link(page.start.saturating_sub(page.limit))),
        "next": (page.start + shown < total).then(|| link(page.start + page.limit)),
        "can_create": may(&session, Method::POST, "/api/hooks/new"),
    });
    Pages::get().render("hooks.html", with_layout(&session, "hooks", page))
}
