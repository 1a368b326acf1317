//! The request id: taken from `X-Request-Id` when the client sends a sane one, generated
//! otherwise, echoed in the answer and recorded in the metadata of every event caused.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

/// The id of the request being answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// The header carrying it both ways.
    pub const HEADER: &'static str = "X-Request-Id";

    /// Accepts a client's id of 1–128 visible ASCII characters.
    pub fn from_client(value: &str) -> Option<Self> {
        let sane = (1..=128).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_graphic());
        sane.then(|| Self(value.to_owned()))
    }
}

impl FromRequest for RequestId {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req.extensions().get::<RequestId>().cloned().unwrap_or_else(|| RequestId(String::new()));
        ready(Ok(id))
    }
}
