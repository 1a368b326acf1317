//! Sign-in and sign-out. The password is checked by the API's [`Authenticator`] (argon2, with
//! the dummy-hash check for unknown usernames, so both fail in the same time). The login form
//! carries a CSRF token too, matched against a cookie set with the form. A session starts with a
//! new id at every sign-in. Passwords are read from the POSTed form only, never logged.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Form};
use actix_web::{HttpRequest, HttpResponse};
use api::ApiError;
use console::pages::see_other;
use console::return_to::local_path;
use console::sessions::{COOKIE, random_token, tokens_match};
use console::{CookiePolicy, PageError, Pages, Session, SessionStore, Throttle};
use serde::Deserialize;
use serde_json::json;

use super::forms::Posted;
use crate::auth::{AuthFailure, Authenticator};

/// The cookie that holds the login form's CSRF token.
const LOGIN_COOKIE: &str = "dealflow_login_csrf";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/login", web::get().to(form))
        .route("/login", web::post().to(sign_in))
        .route("/logout", web::post().to(sign_out));
}

async fn home(session: Option<Session>) -> HttpResponse {
    see_other(if session.is_some() { "/board" } else { "/login" })
}

/// `GET /login?next=/page`: `next` is the page to return to after signing in.
#[derive(Deserialize)]
struct Return {
    #[serde(default)]
    next: String,
}

async fn form(
    session: Option<Session>,
    cookies: Data<CookiePolicy>,
    query: web::Query<Return>,
) -> Result<HttpResponse, PageError> {
    let next = local_path(&query.next).unwrap_or_default();
    if session.is_some() {
        return Ok(see_other(after_sign_in(next)));
    }
    let token = random_token();
    let mut page = login_page(StatusCode::OK, &token, "", next, None)?;
    page.add_cookie(&cookies.cookie(LOGIN_COOKIE, token)).map_err(|e| PageError::Failed(e.to_string()))?;
    Ok(page)
}

#[derive(Deserialize)]
struct Credentials {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Where a signed-in user goes: the page asked for, or the board.
fn after_sign_in(next: &str) -> &str {
    local_path(next).filter(|path| !path.is_empty()).unwrap_or("/board")
}

/// Checks the form's token, the throttle, then the password; a success starts a session.
async fn sign_in(
    req: HttpRequest,
    form: Form<Credentials>,
    authenticator: Data<Authenticator>,
    (sessions, throttle, cookies): (Data<SessionStore>, Data<Throttle>, Data<CookiePolicy>),
) -> Result<HttpResponse, PageError> {
    let expected = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if expected.is_empty() || !tokens_match(&expected, &form.csrf) {
        return Err(PageError::BadCsrfToken);
    }
    // The peer's address, not X-Forwarded-For, which a client could vary at will.
    let address = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    let username = form.username.trim();
    let next = local_path(&form.next).unwrap_or_default();
    if let Some(wait) = throttle.wait(username, &address) {
        return login_page(StatusCode::TOO_MANY_REQUESTS, &expected, username, next, Some(&throttled(wait)));
    }
    let user = match authenticator.sign_in(username, &form.password).await {
        Ok(user) => user,
        Err(AuthFailure::Storage(cause)) => return Err(ApiError::internal(cause).into()),
        Err(_) => {
            throttle.failed(username, &address);
            tracing::info!(username, "a console sign-in failed");
            return login_page(StatusCode::OK, &expected, username, next, Some("Wrong username or password."));
        }
    };
    throttle.succeeded(username, &address);
    let session = sessions
        .start(user)
        .ok_or_else(|| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "too many sessions; try again later"))?;
    let mut answer = see_other(after_sign_in(next));
    answer.add_cookie(&cookies.cookie(COOKIE, session.id)).map_err(|e| PageError::Failed(e.to_string()))?;
    answer.add_cookie(&cookies.removal(LOGIN_COOKIE)).map_err(|e| PageError::Failed(e.to_string()))?;
    Ok(answer)
}

fn throttled(wait: Duration) -> String {
    format!(
        "Too many failed sign-ins for this username from your address; try again in {} seconds.",
        wait.as_secs().max(1)
    )
}

fn login_page(
    status: StatusCode,
    token: &str,
    username: &str,
    next: &str,
    error: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let ctx = json!({ "login_csrf": token, "username": username, "next": next, "error": error });
    Pages::get().render_with(status, "login.html", ctx)
}

async fn sign_out(
    posted: Posted,
    sessions: Data<SessionStore>,
    cookies: Data<CookiePolicy>,
) -> Result<HttpResponse, PageError> {
    sessions.end(&posted.session.id);
    let mut answer = see_other("/login");
    answer.add_cookie(&cookies.removal(COOKIE)).map_err(|e| PageError::Failed(e.to_string()))?;
    Ok(answer)
}
