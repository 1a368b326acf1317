//! Who is calling: set by the server's authentication middleware, read by handlers.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use domain::ids::UserId;
use domain::{Actor, Metadata};

use crate::ApiError;

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Everything.
    Admin,
    /// Read-only: GETs and event export.
    Analyst,
}

impl Role {
    /// Parses `admin` or `analyst`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "admin" => Some(Self::Admin),
            "analyst" => Some(Self::Analyst),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Analyst => "analyst",
        }
    }
}

/// An authenticated user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

impl Principal {
    /// The user as the actor of the events they cause.
    pub fn actor(&self) -> Actor {
        Actor::user(self.user_id.0, self.display_name.clone())
    }

    /// The metadata of the events this user's request causes.
    pub fn metadata(&self, request: &crate::RequestId) -> Metadata {
        Metadata::new(self.actor(), Some(request.0.clone()).filter(|id| !id.is_empty()))
    }
}

/// Extracts the authenticated user; 401 when the request carries none.
#[derive(Clone, Debug)]
pub struct Authenticated(pub Principal);

/// Extracts an authenticated admin; 401 without credentials, 403 for other roles.
#[derive(Clone, Debug)]
pub struct Admin(pub Principal);

fn principal(req: &HttpRequest) -> Result<Principal, ApiError> {
    req.extensions()
        .get::<Principal>()
        .cloned()
        .ok_or_else(|| ApiError::unauthorized("authentication required: use HTTP Basic or a Bearer token"))
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(principal(req).map(Self))
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(principal(req).and_then(|p| match p.role {
            Role::Admin => Ok(Self(p)),
            Role::Analyst => Err(ApiError::forbidden("this needs the admin role; analysts have read-only access")),
        }))
    }
}
