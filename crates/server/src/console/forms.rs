//! What every console page and form shares: the layout's values, POSTs checked against the
//! session's CSRF token, and write permission decided by the API's role table
//! ([`crate::auth::access`]), so one rule decides for both.

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest, web};
use api::ApiError;
use console::{PageError, Session};
use futures::future::LocalBoxFuture;
use serde_json::{Value, json};

use crate::auth::access;

/// A page's values with the layout's added: who is signed in, the CSRF token for its forms, the
/// current navigation entry.
pub fn with_layout(session: &Session, nav: &str, mut page: Value) -> Value {
    if let Value::Object(values) = &mut page {
        values.insert("user".into(), json!({ "name": session.user.display_name, "role": session.user.role.as_str() }));
        values.insert("csrf".into(), json!(session.csrf));
        values.insert("nav".into(), json!(nav));
        values.insert("can_manage_users".into(), json!(may(session, Method::POST, "/api/users/new")));
    }
    page
}

/// Whether the session's user may do what the API route `method pattern` does.
pub fn may(session: &Session, method: Method, api_pattern: &str) -> bool {
    access::permits(session.user.role, access::required_role(&method, Some(api_pattern)))
}

/// A form POSTed by a signed-in user with the session's CSRF token.
pub struct Posted {
    pub session: Session,
    fields: Vec<(String, String)>,
}

impl Posted {
    /// A field's value, trimmed; `None` when missing or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.trim()).filter(|v| !v.is_empty())
    }

    /// Refuses (403, in the API's words) a user whose role may not do what `method api_pattern`
    /// does.
    pub fn require(&self, method: Method, api_pattern: &str) -> Result<(), PageError> {
        require(&self.session, method, api_pattern)
    }

    /// A field's value, trimmed, empty included; `None` when missing.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.trim())
    }

    /// Every non-empty value of a field sent several times (checkboxes), in the order sent.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields.iter().filter(|(key, v)| key == name && !v.trim().is_empty()).map(|(_, v)| v.trim()).collect()
    }
}

/// Refuses (403, in the API's words) a user whose role may not do what `method api_pattern` does
/// (pages that are only a write form, too).
pub fn require(session: &Session, method: Method, api_pattern: &str) -> Result<(), PageError> {
    if may(session, method, api_pattern) {
        return Ok(());
    }
    Err(ApiError::forbidden("analysts have read-only access; this needs the admin role").into())
}

/// An API error's messages by field (`{"field": ["message", …]}`), for showing each next to its
/// field, in the API's words less any pointer to an API route (`(see GET /api/…)`), which a console
/// user has no use for; `None` when the error is not about fields.
pub fn field_errors(error: &ApiError) -> Option<Value> {
    let by_field = error.details.as_object().filter(|d| !d.is_empty() && d.values().all(Value::is_array));
    by_field.map(|details| {
        let shown = details.iter().map(|(field, messages)| {
            let messages = messages.as_array().into_iter().flatten();
            let messages = messages.map(|m| m.as_str().map_or_else(|| m.clone(), |m| json!(without_api_hint(m))));
            (field.clone(), Value::Array(messages.collect()))
        });
        Value::Object(shown.collect())
    })
}

/// A message without its parenthesised pointers to API routes: `is required (see GET
/// /api/hooks/triggers)` → `is required`.
pub fn without_api_hint(message: &str) -> String {
    let mut shown = message.to_owned();
    while let Some(start) = shown.find(" (see GET /api/").or_else(|| shown.find("(see GET /api/")) {
        let end = shown[start..].find(')').map_or(shown.len(), |i| start + i + 1);
        shown.replace_range(start..end, "");
    }
    shown
}

/// The line at the top of a refused form: `summary` (`"The webhook was not saved; see below."`)
/// when the API named the fields, whose messages are shown next to them; else the API's message.
pub fn form_message(error: &ApiError, summary: &str) -> String {
    if field_errors(error).is_some() { summary.to_owned() } else { without_api_hint(&error.message) }
}

impl FromRequest for Posted {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Self, PageError>>;

    /// Without a session: to the sign-in page. A body that is not a form carries no token: 403.
    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = Session::extract(req).into_inner();
        let form = web::Form::<Vec<(String, String)>>::from_request(req, payload);
        Box::pin(async move {
            let session = session?;
            let fields = form.await.map_err(|_| PageError::BadCsrfToken)?.into_inner();
            let token = fields.iter().find(|(key, _)| key == "csrf").map(|(_, value)| value.as_str());
            if !session.csrf_matches(token) {
                return Err(PageError::BadCsrfToken);
            }
            Ok(Self { session, fields })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_route_pointers_are_left_out_of_the_messages_a_console_user_reads() {
        let given = "is required: list at least one trigger (see GET /api/hooks/triggers)";
        assert_eq!(without_api_hint(given), "is required: list at least one trigger");
        assert_eq!(without_api_hint("\"x\" is not a trigger (see GET /api/hooks/triggers)"), "\"x\" is not a trigger");
        assert_eq!(without_api_hint("must be https"), "must be https");
    }

    #[test]
    fn a_refusal_naming_fields_is_summed_up_and_its_messages_stay_next_to_the_fields() {
        let mut errors = domain::values::FieldErrors::new();
        errors.add("triggers", "is required: list at least one trigger (see GET /api/hooks/triggers)");
        errors.add("name", "is required");
        let error = ApiError::validation(errors);
        assert_eq!(
            form_message(&error, "The webhook was not saved; see below."),
            "The webhook was not saved; see below."
        );
        let fields = field_errors(&error).unwrap();
        assert_eq!(fields["triggers"], json!(["is required: list at least one trigger"]));
        assert_eq!(fields["name"], json!(["is required"]));
        let other = ApiError::conflict("hook 1 was deleted");
        assert_eq!(form_message(&other, "The webhook was not saved; see below."), "hook 1 was deleted");
    }
}
