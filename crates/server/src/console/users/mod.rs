//! The Users page (admins only: analysts get 403, as the API's role table says of the user
//! writes). `GET /users`: the users of `GET /api/users` and the **Add user** form
//! (`POST /users/new`, as `POST /api/users/new`). `GET /users/{id}`: one user, with the forms of
//! [`user`]. Every form runs [`crate::auth::manage`], the API's own commands. A generated
//! password or a token's value is shown on the page that answers the POST, this once.

mod user;

use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Data, Query};
use actix_web::{HttpRequest, HttpResponse};
use api::{ApiError, ListParams};
use console::{PageError, Pages, Session};
use eventlog::EventStore;
use serde_json::{Map, Value, json};

use super::forms::{Posted, field_errors, require, with_layout};
use crate::auth::{manage, user_input};

/// The API route whose rule decides who may open these pages.
const ADMIN_ROUTE: &str = "/api/users/new";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(list)).route("/users/new", web::post().to(add));
    user::configure(cfg);
}

async fn list(
    log: Data<EventStore>,
    session: Session,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    require(&session, Method::POST, ADMIN_ROUTE)?;
    let params = ListParams::new(query.into_inner());
    list_page(&log, &session, &params, StatusCode::OK, json!({}), json!({})).await
}

/// The list (`search`, `start`, 100 a page) and the add form holding `values` and `errors`.
async fn list_page(
    log: &EventStore,
    session: &Session,
    params: &ListParams,
    status: StatusCode,
    values: Value,
    errors: Value,
) -> Result<HttpResponse, PageError> {
    params.refuse_unknown(&["search", "start"])?;
    let with_limit = ListParams::new([params.pairs(), &[("limit".to_owned(), "100".to_owned())]].concat());
    let (total, users) = manage::list(log, &with_limit).await?;
    let start = params.page(100, 100)?.start;
    let search = params.get("search").unwrap_or_default();
    let link = |start: u64| {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("search", search)
            .append_pair("start", &start.to_string())
            .finish();
        format!("/users?{query}")
    };
    let page = json!({
        "users": users, "total": total, "search": search, "values": values, "errors": errors,
        "previous": (start > 0).then(|| link(start.saturating_sub(100))),
        "next": (start + (users.len() as u64) < total).then(|| link(start + 100)),
    });
    Pages::get().render_with(status, "users.html", with_layout(session, "users", page))
}

/// Runs what `POST /api/users/new` runs; the form's password is optional (generated and shown
/// once when empty) and is never put back into a page.
async fn add(log: Data<EventStore>, posted: Posted) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, ADMIN_ROUTE)?;
    let mut body = Map::new();
    for name in ["username", "role", "password"] {
        if let Some(value) = posted.get(name) {
            body.insert(name.into(), Value::String(value.to_owned()));
        }
    }
    let added = match user_input::parse_new(&body) {
        Ok(input) => manage::add(&log, input).await,
        Err(errors) => Err(ApiError::from(errors)),
    };
    match added {
        Ok((user, generated)) => {
            let shown = generated.map(|password| json!({ "label": "Password", "value": password }));
            once_page(&posted.session, &user, "created", shown)
        }
        Err(error) => {
            let errors = field_errors(&error).ok_or(error.clone())?;
            body.remove("password");
            let params = ListParams::new(Vec::new());
            list_page(&log, &posted.session, &params, error.status, Value::Object(body), errors).await
        }
    }
}

/// The page after a write that may show a secret (a generated password, a token) this once.
fn once_page(
    session: &Session,
    user: &manage::UserView,
    what: &str,
    secret: Option<Value>,
) -> Result<HttpResponse, PageError> {
    let page = json!({ "subject": user, "what": what, "secret": secret });
    Pages::get().render("user_secret.html", with_layout(session, "users", page))
}

/// The console's half of [`crate::http::user_admin::after_change`].
fn forget(req: &HttpRequest, user: domain::ids::UserId, end_sessions: bool) {
    crate::http::user_admin::after_change(req, user, end_sessions);
}
