//! JSON request bodies, parsed with the spec's error format: 400 when the body is not a JSON
//! object, then 422 from the handler's own validation.

use actix_web::web::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::ApiError;

/// Parses a body that must be a JSON object.
pub fn parse_json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("the body is empty; send a JSON object"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request("the body must be a JSON object")),
        Err(error) => Err(ApiError::bad_request(format!("the body is not valid JSON: {error}"))),
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
