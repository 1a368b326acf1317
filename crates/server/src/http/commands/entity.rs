//! What every admin command on one entity brings with it, taken from the request once.

use std::str::FromStr;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use api::{Admin, ApiError, RawBody, RequestId, if_match, path_id};
use domain::Metadata;
use futures::future::LocalBoxFuture;
use serde_json::{Map, Value};

/// An admin's command on the entity named by the path's `{id}`: the version `If-Match`
/// expects, the metadata its events record, and the body for the command to read (through the
/// one body reader, `api::body`).
pub struct OnEntity<Id> {
    pub id: Id,
    pub expected: Option<u64>,
    pub metadata: Metadata,
    pub body: RawBody,
}

impl<Id> OnEntity<Id> {
    /// The body as a JSON object; an empty body is an error.
    pub fn object(&self) -> Result<Map<String, Value>, ApiError> {
        self.body.object()
    }

    /// The body as a JSON object; an empty body is an empty object (for commands whose fields
    /// are all optional).
    pub fn object_or_empty(&self) -> Result<Map<String, Value>, ApiError> {
        self.body.object_or_empty()
    }
}

impl<Id: FromStr + 'static> FromRequest for OnEntity<Id> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let head = head(req);
        let body = RawBody::read(req, payload);
        Box::pin(async move {
            let (id, expected, metadata) = head?;
            Ok(Self { id, expected, metadata, body: body.await? })
        })
    }
}

/// Everything but the body, checked before the body is read: who asks first, then the id.
fn head<Id: FromStr>(req: &HttpRequest) -> Result<(Id, Option<u64>, Metadata), ApiError> {
    let Admin(user) = Admin::extract(req).into_inner()?;
    let request_id = RequestId::extract(req).into_inner().map_err(ApiError::internal)?;
    let id = path_id(req.match_info().get("id").unwrap_or_default())?;
    Ok((id, if_match(req)?, user.metadata(&request_id)))
}
