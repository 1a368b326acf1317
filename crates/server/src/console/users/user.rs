//! `GET /users/{id}`: one user and its API tokens, with the forms that run the API's commands:
//! `POST /users/{id}/role` (`PATCH /api/users/{id}/edit` of `role`), `…/password/reset`,
//! `…/tokens/new`, `…/tokens/{token_id}/revoke` (`DELETE …/tokens/{token_id}/delete`) and
//! `…/delete`. A refusal is shown beside the form that caused it, in the API's words.

use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use api::{ApiError, path_id};
use console::pages::see_other;
use console::{PageError, Pages, Session};
use domain::ids::UserId;
use eventlog::EventStore;
use serde_json::{Map, Value, json};

use super::{ADMIN_ROUTE, forget, once_page};
use crate::auth::{manage, user_input};
use crate::console::forms::{Posted, field_errors, require, with_layout};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/{id}", web::get().to(show))
        .route("/users/{id}/role", web::post().to(change_role))
        .route("/users/{id}/password/reset", web::post().to(reset_password))
        .route("/users/{id}/tokens/new", web::post().to(issue_token))
        .route("/users/{id}/tokens/{token_id}/revoke", web::post().to(revoke_token))
        .route("/users/{id}/delete", web::post().to(delete));
}

async fn show(log: Data<EventStore>, session: Session, id: Path<String>) -> Result<HttpResponse, PageError> {
    require(&session, Method::POST, ADMIN_ROUTE)?;
    user_page(&log, &session, path_id(&id)?, StatusCode::OK, json!({})).await
}

/// The user's page; `errors` by form field (`role`, `name`, `delete`).
async fn user_page(
    log: &EventStore,
    session: &Session,
    id: UserId,
    status: StatusCode,
    errors: Value,
) -> Result<HttpResponse, PageError> {
    let (user, tokens) = (manage::find(log, id).await?, manage::tokens(log, id).await?);
    let page = json!({
        "subject": user, "tokens": tokens, "errors": errors, "is_me": session.user.user_id == id,
    });
    Pages::get().render_with(status, "user.html", with_layout(session, "users", page))
}

/// A refused write: the user's page with the API's words beside `field` (its own field
/// messages when it has some).
async fn refused(
    log: &EventStore,
    session: &Session,
    id: UserId,
    field: &str,
    error: ApiError,
) -> Result<HttpResponse, PageError> {
    if error.status == StatusCode::NOT_FOUND || error.status.is_server_error() {
        return Err(error.into());
    }
    let errors = field_errors(&error).unwrap_or_else(|| json!({ field: [error.message] }));
    user_page(log, session, id, error.status, errors).await
}

fn body_of(posted: &Posted, names: &[&str]) -> Map<String, Value> {
    let present = names.iter().filter_map(|name| posted.get(name).map(|v| ((*name).to_owned(), json!(v))));
    present.collect()
}

async fn change_role(
    req: HttpRequest,
    log: Data<EventStore>,
    posted: Posted,
    id: Path<String>,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::PATCH, "/api/users/{id}/edit")?;
    let id: UserId = path_id(&id)?;
    let changed = match user_input::parse_edit(&body_of(&posted, &["role"])) {
        Ok(edit) => manage::edit(&log, Some(posted.session.user.user_id), id, edit).await,
        Err(errors) => Err(errors.into()),
    };
    match changed {
        Ok(_) => {
            forget(&req, id, true);
            Ok(see_other(&format!("/users/{id}")))
        }
        Err(error) => refused(&log, &posted.session, id, "role", error).await,
    }
}

async fn reset_password(
    req: HttpRequest,
    log: Data<EventStore>,
    posted: Posted,
    id: Path<String>,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, "/api/users/{id}/password/reset")?;
    let id: UserId = path_id(&id)?;
    let (user, password) = manage::reset_password(&log, id).await?;
    forget(&req, id, false);
    once_page(&posted.session, &user, "password", Some(json!({ "label": "New password", "value": password })))
}

async fn issue_token(log: Data<EventStore>, posted: Posted, id: Path<String>) -> Result<HttpResponse, PageError> {
    posted.require(Method::POST, "/api/users/{id}/tokens/new")?;
    let id: UserId = path_id(&id)?;
    let issued = match user_input::parse_token(&body_of(&posted, &["name"])) {
        Ok(name) => manage::issue_token(&log, id, name).await,
        Err(errors) => Err(errors.into()),
    };
    match issued {
        Ok((token, value)) => {
            let user = manage::find(&log, id).await?;
            let label = format!("Token {} ({})", token.id, token.name);
            once_page(&posted.session, &user, "token", Some(json!({ "label": label, "value": value })))
        }
        Err(error) => refused(&log, &posted.session, id, "name", error).await,
    }
}

async fn revoke_token(
    req: HttpRequest,
    log: Data<EventStore>,
    posted: Posted,
    ids: Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::DELETE, "/api/users/{id}/tokens/{token_id}/delete")?;
    let (id, token_id): (UserId, u64) = (path_id(&ids.0)?, path_id(&ids.1)?);
    manage::revoke_token(&log, id, token_id).await?;
    forget(&req, id, false);
    Ok(see_other(&format!("/users/{id}")))
}

async fn delete(
    req: HttpRequest,
    log: Data<EventStore>,
    posted: Posted,
    id: Path<String>,
) -> Result<HttpResponse, PageError> {
    posted.require(Method::DELETE, "/api/users/{id}/delete")?;
    let id: UserId = path_id(&id)?;
    match manage::delete(&log, Some(posted.session.user.user_id), id).await {
        Ok(_) => {
            forget(&req, id, true);
            Ok(see_other("/users"))
        }
        Err(error) => refused(&log, &posted.session, id, "delete", error).await,
    }
}
