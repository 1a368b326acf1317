//! `GET /api/users/self`: the current user, in the shape of Mautic's `users/self`.

use actix_web::HttpResponse;
use api::{Authenticated, Role};
use serde_json::json;

/// Answers the authenticated user.
pub async fn current_user(Authenticated(user): Authenticated) -> HttpResponse {
    let is_admin = user.role == Role::Admin;
    HttpResponse::Ok().json(json!({
        "id": user.user_id.0,
        "username": user.username,
        "name": user.display_name,
        "isPublished": true,
        "role": {
            "name": if is_admin { "Administrator" } else { "Analyst" },
            "description": if is_admin { "Full access" } else { "Read-only access to deals and history" },
            "isAdmin": is_admin,
        },
        "dealflowRole": user.role.as_str(),
    }))
}
