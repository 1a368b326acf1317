//! The one reader of request bodies for every `/api` route (see "Request bodies" in
//! `docs/api.md`):
//!
//! - a body that is a JSON object or array is read as JSON, whatever its `Content-Type` says
//!   (`curl -d '{…}'` labels JSON as a form);
//! - a body labelled `application/x-www-form-urlencoded` that is a real form is read as a PHP
//!   form (what Mautic's PHP API client sends), into the JSON a JSON client would send;
//! - a body labelled JSON is read as JSON (400 when it is not valid);
//! - anything else is 400 (labelled as a form, but not one) or 415 (another label).
//!
//! Every body is bounded: the payload limit, [`MAX_DEPTH`] levels of nesting, [`MAX_PAIRS`]
//! form pairs. Then 400 when the body is not an object, and 422 from the handler's validation.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::ApiError;
use crate::limits::{MAX_DEPTH, MAX_PAIRS, check_depth};
use listquery::php_form::{self, Bounds, FormError};

/// What a body should be, for error messages.
const EXPECTED: &str = "send a JSON object, or a form (application/x-www-form-urlencoded)";

/// Parses a body that must be a JSON object (whatever its label).
pub fn parse_json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match parse_json(body)? {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::bad_request("the body must be a JSON object")),
    }
}

fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    if is_blank(body) {
        return Err(ApiError::bad_request("the body is empty; send a JSON object"));
    }
    let value = serde_json::from_slice::<Value>(body).map_err(|error| {
        // serde_json stops at 128 levels before our own bound can look: the same problem, so
        // the same answer as a body a little deeper than ours.
        if error.to_string().starts_with("recursion limit exceeded") {
            crate::limits::too_deep()
        } else {
            ApiError::bad_request(format!("the body is not valid JSON: {error}"))
        }
    })?;
    check_depth(&value)?;
    crate::nul::check_body(&value)?;
    Ok(value)
}

fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// How a body is read, decided by its first character and its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    Empty,
    Json,
    Form,
    Unsupported,
}

fn reading(content_type: &str, body: &[u8]) -> Reading {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let label = content_type.trim().to_ascii_lowercase();
    match first {
        None => Reading::Empty,
        Some(b'{' | b'[') => Reading::Json,
        Some(_) if label == "application/json" || label.ends_with("+json") => Reading::Json,
        Some(_) if label == "application/x-www-form-urlencoded" => Reading::Form,
        Some(_) => Reading::Unsupported,
    }
}

/// Decodes a body by the rule above; `None` for an empty body.
pub fn decode(content_type: &str, body: &[u8]) -> Result<Option<Value>, ApiError> {
    match reading(content_type, body) {
        Reading::Empty => Ok(None),
        Reading::Json => parse_json(body).map(Some),
        Reading::Form => {
            let form =
                php_form::decode(body, Bounds { max_depth: MAX_DEPTH, max_pairs: MAX_PAIRS }).map_err(form_error)?;
            crate::nul::check_body(&form)?;
            Ok(Some(form))
        }
        Reading::Unsupported => Err(unsupported(content_type)),
    }
}

fn form_error(error: FormError) -> ApiError {
    let message = format!("the body is neither JSON nor a form: {error}; {EXPECTED}");
    let details = match error {
        FormError::TooDeep { .. } => serde_json::json!({ "max_depth": MAX_DEPTH }),
        FormError::TooManyPairs { .. } => serde_json::json!({ "max_pairs": MAX_PAIRS }),
        _ => serde_json::json!({}),
    };
    ApiError::bad_request(message).with_details(details)
}

fn unsupported(content_type: &str) -> ApiError {
    let label = if content_type.is_empty() { "no Content-Type".to_owned() } else { content_type.to_owned() };
    ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("cannot read a body sent as {label}; {EXPECTED}"))
}

/// Reads the raw body, with a too-large or unreadable body answered in the spec's format.
pub fn read_bytes(req: &HttpRequest, payload: &mut Payload) -> LocalBoxFuture<'static, Result<Bytes, ApiError>> {
    let bytes = Bytes::from_request(req, payload);
    Box::pin(async move {
        bytes.await.map_err(|error| match error.as_response_error().status_code().as_u16() {
            413 => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "the body is too large"),
            _ => ApiError::bad_request(format!("the body could not be read: {error}")),
        })
    })
}

fn read_body(req: &HttpRequest, payload: &mut Payload) -> LocalBoxFuture<'static, Result<Option<Value>, ApiError>> {
    let content_type = req.content_type().to_owned();
    let bytes = read_bytes(req, payload);
    Box::pin(async move { decode(&content_type, &bytes.await?) })
}

/// A raw body and its label, decoded on demand (for extractors that check other things first).
#[derive(Clone, Debug, Default)]
pub struct RawBody {
    pub content_type: String,
    pub bytes: Bytes,
}

impl RawBody {
    /// Reads the body's bytes and remembers its label.
    pub fn read(req: &HttpRequest, payload: &mut Payload) -> LocalBoxFuture<'static, Result<Self, ApiError>> {
        let content_type = req.content_type().to_owned();
        let bytes = read_bytes(req, payload);
        Box::pin(async move { Ok(Self { content_type, bytes: bytes.await? }) })
    }

    /// The body as an object; an empty body is an error.
    pub fn object(&self) -> Result<Map<String, Value>, ApiError> {
        object(decode(&self.content_type, &self.bytes)?)
    }

    /// The body as an object; an empty body is an empty object (for commands whose fields are
    /// all optional).
    pub fn object_or_empty(&self) -> Result<Map<String, Value>, ApiError> {
        match decode(&self.content_type, &self.bytes)? {
            None => Ok(Map::new()),
            value => object(value),
        }
    }
}

fn object(value: Option<Value>) -> Result<Map<String, Value>, ApiError> {
    match value {
        Some(Value::Object(map)) => Ok(map),
        None => Err(ApiError::bad_request(format!("the body is empty; {EXPECTED}"))),
        Some(_) => Err(ApiError::bad_request(format!("the body must be an object; {EXPECTED}"))),
    }
}

/// A body that must be an object (JSON, or a PHP form).
pub struct ObjectBody(pub Map<String, Value>);

impl FromRequest for ObjectBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload);
        Box::pin(async move { object(body.await?).map(Self) })
    }
}

/// A body that is an object or empty (read as `{}`): for commands whose fields are all optional.
pub struct OptionalObjectBody(pub Map<String, Value>);

impl FromRequest for OptionalObjectBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload);
        Box::pin(async move {
            match body.await? {
                None => Ok(Self(Map::new())),
                value => object(value).map(Self),
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
        Box::pin(async move {
            body.await?.map(Self).ok_or_else(|| ApiError::bad_request("the body is empty; send a JSON array"))
        })
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
            .map_err(|error| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, error.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FORM: &str = "application/x-www-form-urlencoded";

    #[test]
    fn json_is_read_as_json_whatever_its_label() {
        for label in [FORM, "application/json", "text/plain", ""] {
            assert_eq!(decode(label, b" {\"name\": \"x\"}").unwrap(), Some(json!({ "name": "x" })), "{label}");
            assert_eq!(decode(label, b"[1]").unwrap(), Some(json!([1])), "{label}");
        }
    }

    #[test]
    fn a_real_form_is_read_as_a_form() {
        let decoded = decode(FORM, b"name=x&triggers%5B0%5D=a&webhookUrl=http%3A%2F%2Fh%2F").unwrap();
        assert_eq!(decoded, Some(json!({ "name": "x", "triggers": ["a"], "webhookUrl": "http://h/" })));
        assert_eq!(decode("Application/X-WWW-Form-Urlencoded", b"a=1").unwrap(), Some(json!({ "a": "1" })));
    }

    #[test]
    fn anything_else_says_what_was_expected() {
        let status = |label: &str, body: &[u8]| decode(label, body).unwrap_err().status.as_u16();
        assert_eq!(status(FORM, b"garbage"), 400);
        assert_eq!(status("application/json", b"name=x"), 400);
        assert_eq!(status("text/plain", b"name=x"), 415);
        assert_eq!(status("", b"garbage"), 415);
        assert_eq!(status(FORM, b"{\"unclosed\": "), 400);
        assert!(decode("text/plain", b"x").unwrap_err().message.contains("JSON object"));
    }

    #[test]
    fn an_empty_body_is_none_and_objects_are_required_where_asked() {
        assert_eq!(decode(FORM, b"  ").unwrap(), None);
        let raw = RawBody { content_type: FORM.into(), bytes: Bytes::new() };
        assert!(raw.object_or_empty().unwrap().is_empty());
        assert_eq!(raw.object().unwrap_err().status.as_u16(), 400);
        let array = RawBody { content_type: FORM.into(), bytes: Bytes::from_static(b"[]") };
        assert_eq!(array.object().unwrap_err().status.as_u16(), 400);
    }

    #[test]
    fn json_nesting_is_bounded() {
        let nested = |levels: usize| format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
        assert!(decode(FORM, nested(MAX_DEPTH).as_bytes()).is_ok());
        assert_eq!(decode(FORM, nested(MAX_DEPTH + 1).as_bytes()).unwrap_err().status.as_u16(), 400);
        assert_eq!(decode(FORM, nested(100_000).as_bytes()).unwrap_err().status.as_u16(), 400);
    }
}
