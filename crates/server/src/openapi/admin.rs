//! Operations of users and tokens (`http::user_admin`, `http::users`), and the public health,
//! readiness, metrics and document routes (`http::health`, `http::metrics`, [`super::serve`]).

#![allow(dead_code)]

use super::answers::*;
use super::bodies::*;
use super::params::Paging;

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    current_user,
    list_users,
    new_user,
    get_user,
    edit_user,
    reset_password,
    delete_user,
    list_tokens,
    new_token,
    revoke_token,
    health,
    ready,
    metrics,
    openapi
))]
pub struct Doc;

/// `GET /api/users/self`: Mautic's `users/self` shape.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct CurrentUser {
    pub id: u64,
    pub username: String,
    pub name: String,
    pub is_published: bool,
    #[schema(value_type = Object)]
    pub role: serde_json::Value,
    /// `admin` or `analyst`.
    pub dealflow_role: String,
}

/// The authenticated user.
#[utoipa::path(get, path = "/api/users/self", tag = "users",
    responses((status = 200, description = "The authenticated user", body = CurrentUser)))]
fn current_user() {}

/// List users.
#[utoipa::path(get, path = "/api/users", tag = "users", params(Paging),
    responses((status = 200, description = "Users", body = UserList)))]
fn list_users() {}

/// Create a user.
#[utoipa::path(post, path = "/api/users/new", tag = "users", request_body = UserInput,
    responses((status = 201, description = "The new user (and a generated password, shown once)", body = UserAnswer)))]
fn new_user() {}

/// Get a user.
#[utoipa::path(get, path = "/api/users/{id}", tag = "users", params(("id" = u64, Path)),
    responses((status = 200, description = "The user", body = UserAnswer)))]
fn get_user() {}

/// Change a user.
#[utoipa::path(patch, path = "/api/users/{id}/edit", tag = "users", params(("id" = u64, Path)),
    request_body = UserInput, responses((status = 200, description = "The changed user", body = UserAnswer)))]
fn edit_user() {}

/// Reset a user's password.
#[utoipa::path(post, path = "/api/users/{id}/password/reset", tag = "users", params(("id" = u64, Path)),
    responses((status = 200, description = "The user and a new password, shown once", body = UserAnswer)))]
fn reset_password() {}

/// Delete a user.
#[utoipa::path(delete, path = "/api/users/{id}/delete", tag = "users", params(("id" = u64, Path)),
    responses((status = 200, description = "The user as it was", body = UserAnswer)))]
fn delete_user() {}

/// List a user's API tokens.
#[utoipa::path(get, path = "/api/users/{id}/tokens", tag = "users", params(("id" = u64, Path)),
    responses((status = 200, description = "The user's tokens (never their values)", body = TokenList)))]
fn list_tokens() {}

/// Create an API token.
#[utoipa::path(post, path = "/api/users/{id}/tokens/new", tag = "users", params(("id" = u64, Path)),
    request_body = TokenInput,
    responses((status = 201, description = "The token and its value, shown once", body = TokenAnswer)))]
fn new_token() {}

/// Revoke an API token.
#[utoipa::path(delete, path = "/api/users/{id}/tokens/{token_id}/delete", tag = "users",
    params(("id" = u64, Path), ("token_id" = u64, Path)),
    responses((status = 200, description = "The revoked token", body = TokenAnswer)))]
fn revoke_token() {}

/// `{"status": "ok"}`
#[derive(utoipa::ToSchema)]
pub struct Alive {
    pub status: String,
}

/// Liveness check.
#[utoipa::path(get, path = "/health", tag = "operations", security(()),
    responses((status = 200, description = "The process is alive", body = Alive)))]
fn health() {}

/// `GET /ready`: database, migrations, consumer lag and roles.
#[derive(utoipa::ToSchema)]
pub struct Readiness {
    /// `ready`, `migrations pending`, `a role stopped` or `unavailable`.
    pub status: String,
    pub database: Option<String>,
    pub head_position: Option<u64>,
    #[schema(value_type = Option<Object>)]
    pub migrations: Option<serde_json::Value>,
    /// Lease name (`projection`) → `held` when this process runs that role, `standby` while another
    /// process holds it.
    #[schema(value_type = Option<Object>)]
    pub leases: Option<serde_json::Value>,
    /// Consumer name → `{position, lag}`.
    #[schema(value_type = Option<Object>)]
    pub consumers: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub roles: Option<serde_json::Value>,
}

/// Readiness check.
#[utoipa::path(get, path = "/ready", tag = "operations", security(()),
    responses((status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "Not ready, and why", body = Readiness)))]
fn ready() {}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String)))]
fn metrics() {}

/// This OpenAPI document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations", security(()),
    responses((status = 200, description = "This document", body = Object)))]
fn openapi() {}
