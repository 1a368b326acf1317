//! Authenticates every `/api` request and enforces the role table of [`super::access`].

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};
use api::ApiError;

use super::Authenticator;
use super::access;

/// Puts the authenticated [`api::Principal`] in the request, or answers 401/403 itself.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(authenticator) = req.app_data::<web::Data<Authenticator>>().cloned() else {
        return Ok(req.error_response(ApiError::internal("the authenticator is not configured")));
    };
    let header = req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let principal = match authenticator.authenticate(header.as_deref()).await {
        Ok(principal) => principal,
        Err(failure) => return Ok(answer(req, ApiError::from(failure))),
    };
    let needed = access::required_role(req.method(), req.match_pattern().as_deref());
    if !access::permits(principal.role, needed) {
        return Ok(answer(req, ApiError::forbidden("analysts have read-only access; this needs the admin role")));
    }
    req.extensions_mut().insert(principal);
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn answer(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(error.error_response())
}
