//! Request bodies, parsed with the spec's error format: 400 when the body is not an object, then
//! 422 from the handler's own validation. JSON, and also PHP-style forms (what Mautic's PHP API
//! client sends), by `Content-Type`.

use actix_web::dev::Payload;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::ApiError;

/// Parses a body that must be a JSON object.
pub fn parse_json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match parse_json(body)? {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::bad_request("the body must be a JSON object")),
    }
}

fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("the body is empty; send a JSON object"));
    }
    serde_json::from_slice::<Value>(body)
        .map_err(|error| ApiError::bad_request(format!("the body is not valid JSON: {error}")))
}

/// Decodes a body by its content type: a PHP-style form, or JSON.
pub fn decode(content_type: &str, body: &[u8]) -> Result<Value, ApiError> {
    if content_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        let text = std::str::from_utf8(body).map_err(|_| ApiError::bad_request("the form body is not UTF-8"))?;
        return Ok(crate::php_form::decode(text));
    }
    parse_json(body)
}

/// Reads the raw body, with a too-large or unreadable body answered in the spec's format.
pub fn read_bytes(req: &HttpRequest, payload: &mut Payload) -> LocalBoxFuture<'static, Result<Bytes, ApiError>> {
    let bytes = Bytes::from_request(req, payload);
    Box::pin(async move {
        bytes.await.map_err(|error| match error.as_response_error().status_code().as_u16() {
            413 => ApiError::new(actix_web::http::StatusCode::PAYLOAD_TOO_LARGE, "the body is too large"),
            _ => ApiError::bad_request(format!("the body could not be read: {error}")),
        })
    })
}

fn read_body(req: &HttpRequest, payload: &mut Payload) -> LocalBoxFuture<'static, Result<Value, ApiError>> {
    let content_type = req.content_type().to_owned();
    let bytes = read_bytes(req, payload);
    Box::pin(async move { decode(&content_type, &bytes.await?) })
}

/// A body that must be an object (JSON, or a PHP form).
pub struct ObjectBody(pub Map<String, Value>);

impl FromRequest for ObjectBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload);
        Box::pin(async move {
            match body.await? {
                Value::Object(map) => Ok(Self(map)),
                _ => Err(ApiError::bad_request("the body must be a JSON object")),
            }
        })
    }
}

/// Any body value (JSON, or a PHP form): for batches, which are arrays.
pub struct BodyValue(pub Value);

impl FromRequest for BodyValue {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload);
        Box::pin(async move { body.await.map(Self) })
    }
}

/// A JSON object body deserialised into `T`; type mismatches are 422 naming the field.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> JsonBody<T> {
    /// Parses raw bytes.
    pub fn parse(body: &Bytes) -> Result<Self, ApiError> {
        let map = parse_json_object(body)?;
        serde_json::from_value(Value::Object(map))
            .map(Self)
            .map_err(|error| ApiError::new(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, error.to_string()))
    }
}
