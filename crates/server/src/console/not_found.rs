//! The answer for a path no route has: for a browser with a live console session, a console
//! page (the layout, the path, a way back) instead of the API's JSON; for everyone else (API
//! clients, probes, signed-out visitors) the API's JSON 404 as before.

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};
use console::{Pages, Session};
use serde_json::json;

use super::forms::with_layout;
use crate::http::conventions;

/// `404` as a console page for a signed-in user, else the API's JSON 404.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let Ok(session) = Session::extract(&req).await else { return conventions::not_found(req).await };
    let status = StatusCode::NOT_FOUND;
    let page = json!({
        "status": status.as_u16(), "reason": status.canonical_reason(),
        "message": format!("There is no page at {}.", req.path()),
    });
    Pages::get()
        .render_with(status, "error.html", with_layout(&session, "", page))
        .unwrap_or_else(|error| error.error_response())
}
