//! The console's plain HTML answers, used by the pages and the static assets alike: a no-store
//! page, a redirect after a form, and an error page without the layout.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};

/// An HTML answer that no cache keeps (pages show live data and CSRF tokens).
pub fn html_answer(status: StatusCode, html: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(html)
}

/// A `303 See Other` to `location` (after a form's POST, or to the sign-in page).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((LOCATION, location)).finish()
}

/// An error page without the layout, for when even the templates failed.
pub fn plain_error(status: StatusCode, message: &str) -> HttpResponse {
    let escaped = message.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    html_answer(status, format!("<!doctype html><title>{status}</title><h1>{status}</h1><p>{escaped}</p>"))
}
