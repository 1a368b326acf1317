//! The one error body every route answers with (SPEC §9).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use domain::values::FieldErrors;
use serde_json::{Value, json};

/// A failed request: status, a message for people, and details by field.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub details: Value,
}

impl ApiError {
    /// An error with an empty `details` object.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into(), details: json!({}) }
    }

    /// Adds details (an object of field → messages, or facts about the failure).
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// 400: the request is not understandable (bad JSON, wrong parameter type).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 400 about one parameter or field.
    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::bad_request(format!("{field}: {message}")).with_details(json!({ field: [message] }))
    }

    /// 401 with the `WWW-Authenticate` challenge added by the response.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 for an entity of a kind and id.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, what)
    }

    /// 409: the resource changed since the client read it.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// 413.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, format!("the body exceeds the limit of {limit} bytes"))
            .with_details(json!({ "limit_bytes": limit }))
    }

    /// 422 listing every invalid field.
    pub fn validation(errors: FieldErrors) -> Self {
        let summary = errors.to_string();
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, format!("validation failed: {summary}"))
            .with_details(serde_json::to_value(errors).unwrap_or_else(|_| json!({})))
    }

    /// 422 about one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        Self::validation(errors)
    }

    /// 500: logs the cause, answers without it (no internals leak to clients).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error; the server log has the details")
    }

    /// 500 for an error value: logs it once with its whole cause chain (each `source()` that
    /// its message does not already include), answers without it.
    pub fn internal_error(error: &(dyn std::error::Error + 'static)) -> Self {
        Self::internal(cause_chain(error))
    }

    /// The body of SPEC §9.
    pub fn body(&self) -> Value {
        json!({ "errors": [{
            "code": self.status.as_u16(),
            "message": self.message,
            "details": self.details,
            "type": null,
        }] })
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header(("WWW-Authenticate", r#"Basic realm="dealflow", charset="UTF-8""#));
        }
        response.json(self.body())
    }
}

impl From<eventlog::StorageError> for ApiError {
    fn from(error: eventlog::StorageError) -> Self {
        Self::internal_error(&error)
    }
}

/// `error: cause: cause of cause`, leaving out causes the message already shows.
pub fn cause_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !chain.contains(&text) {
            chain.push_str(": ");
            chain.push_str(&text);
        }
        source = cause.source();
    }
    chain
}

/// A refused query parameter is 400 naming it.
impl From<listquery::Refusal> for ApiError {
    fn from(refusal: listquery::Refusal) -> Self {
        Self::bad_field(&refusal.field, refusal.message)
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        Self::validation(errors)
    }
}
