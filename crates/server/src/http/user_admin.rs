//! The users API (admins write, everyone reads, as the role table says):
//! `GET /api/users`, `GET /api/users/{id}`, `POST /api/users/new`, `PATCH /api/users/{id}/edit`,
//! `POST /api/users/{id}/password/reset`, `DELETE /api/users/{id}/delete`,
//! `GET /api/users/{id}/tokens`, `POST /api/users/{id}/tokens/new` and
//! `DELETE /api/users/{id}/tokens/{token_id}/delete`. Each runs [`crate::auth::manage`].

use actix_web::http::header::LOCATION;
use actix_web::web::{self, Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use api::{Admin, ApiError, ListParams, ObjectBody, OptionalObjectBody, path_id};
use console::SessionStore;
use domain::ids::UserId;
use eventlog::EventStore;
use serde_json::json;

use crate::auth::manage::{self, UserView};
use crate::auth::{Authenticator, user_input};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(list))
        .route("/users/new", web::post().to(create))
        .route("/users/{id}", web::get().to(show))
        .route("/users/{id}/edit", web::patch().to(edit))
        .route("/users/{id}/password/reset", web::post().to(reset_password))
        .route("/users/{id}/delete", web::delete().to(delete))
        .route("/users/{id}/tokens", web::get().to(tokens))
        .route("/users/{id}/tokens/new", web::post().to(issue_token))
        .route("/users/{id}/tokens/{token_id}/delete", web::delete().to(revoke_token));
}

/// After a change to `user`'s credentials or role: checks remembered by the API are forgotten,
/// and (when `end_sessions`) the user's console sessions end. The console runs this too.
pub fn after_change(req: &HttpRequest, user: UserId, end_sessions: bool) {
    if let Some(authenticator) = req.app_data::<Data<Authenticator>>() {
        authenticator.forget_all();
    }
    if let Some(sessions) = req.app_data::<Data<SessionStore>>().filter(|_| end_sessions) {
        sessions.end_user(user.0);
    }
}

fn user_answer(user: &UserView) -> serde_json::Value {
    json!({ "user": user })
}

async fn list(log: Data<EventStore>, query: Query<Vec<(String, String)>>) -> Result<HttpResponse, ApiError> {
    let (total, users) = manage::list(&log, &ListParams::new(query.into_inner())).await?;
    Ok(HttpResponse::Ok().json(json!({ "total": total, "users": users })))
}

async fn show(log: Data<EventStore>, id: Path<String>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(user_answer(&manage::find(&log, path_id(&id)?).await?)))
}

/// 201 `{"user", "password"}`: the password only when it was generated.
async fn create(log: Data<EventStore>, _: Admin, body: ObjectBody) -> Result<HttpResponse, ApiError> {
    let (user, generated) = manage::add(&log, user_input::parse_new(&body.0)?).await?;
    let mut answer = user_answer(&user);
    if let Some(password) = generated {
        answer["password"] = json!(password);
    }
    Ok(HttpResponse::Created().insert_header((LOCATION, format!("/api/users/{}", user.id))).json(answer))
}

async fn edit(
    req: HttpRequest,
    log: Data<EventStore>,
    Admin(me): Admin,
    id: Path<String>,
    body: ObjectBody,
) -> Result<HttpResponse, ApiError> {
    let id: UserId = path_id(&id)?;
    let user = manage::edit(&log, Some(me.user_id), id, user_input::parse_edit(&body.0)?).await?;
    after_change(&req, id, true);
    Ok(HttpResponse::Ok().json(user_answer(&user)))
}

async fn reset_password(
    req: HttpRequest,
    log: Data<EventStore>,
    _: Admin,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: UserId = path_id(&id)?;
    let (user, password) = manage::reset_password(&log, id).await?;
    after_change(&req, id, false);
    Ok(HttpResponse::Ok().json(json!({ "user": user, "password": password })))
}

async fn delete(
    req: HttpRequest,
    log: Data<EventStore>,
    Admin(me): Admin,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: UserId = path_id(&id)?;
    let user = manage::delete(&log, Some(me.user_id), id).await?;
    after_change(&req, id, true);
    Ok(HttpResponse::Ok().json(user_answer(&user)))
}

async fn tokens(log: Data<EventStore>, id: Path<String>) -> Result<HttpResponse, ApiError> {
    let tokens = manage::tokens(&log, path_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({ "total": tokens.len(), "tokens": tokens })))
}

/// 201 `{"token", "value"}`: the value (`dft_…`) is shown only this once.
async fn issue_token(
    log: Data<EventStore>,
    _: Admin,
    id: Path<String>,
    body: OptionalObjectBody,
) -> Result<HttpResponse, ApiError> {
    let name = user_input::parse_token(&body.0)?;
    let (token, value) = manage::issue_token(&log, path_id(&id)?, name).await?;
    Ok(HttpResponse::Created().json(json!({ "token": token, "value": value })))
}

async fn revoke_token(
    req: HttpRequest,
    log: Data<EventStore>,
    _: Admin,
    ids: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, token_id): (UserId, u64) = (path_id(&ids.0)?, path_id(&ids.1)?);
    let token = manage::revoke_token(&log, id, token_id).await?;
    after_change(&req, id, false);
    Ok(HttpResponse::Ok().json(json!({ "token": token })))
}
