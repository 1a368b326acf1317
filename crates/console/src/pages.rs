//! The templates, compiled into the binary, and the HTML answers built from them. Templates only
//! lay out values the handlers computed: no rule lives in a template.

use std::sync::LazyLock;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use api::ApiError;
use minijinja::{Environment, Value};
use serde_json::json;

pub use crate::answers::{html_answer, plain_error, see_other};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("pager.html", include_str!("../templates/pager.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("board.html", include_str!("../templates/board.html")),
    ("deals.html", include_str!("../templates/deals.html")),
    ("deal.html", include_str!("../templates/deal.html")),
    ("hooks.html", include_str!("../templates/hooks.html")),
    ("hook.html", include_str!("../templates/hook.html")),
    ("hook_log.html", include_str!("../templates/hook_log.html")),
    ("retry_note.html", include_str!("../templates/retry_note.html")),
    ("hook_settings.html", include_str!("../templates/hook_settings.html")),
    ("sources.html", include_str!("../templates/sources.html")),
    ("source.html", include_str!("../templates/source.html")),
    ("source_secret.html", include_str!("../templates/source_secret.html")),
    ("source_mapping.html", include_str!("../templates/source_mapping.html")),
    ("events.html", include_str!("../templates/events.html")),
    ("contacts.html", include_str!("../templates/contacts.html")),
    ("contact.html", include_str!("../templates/contact.html")),
    ("users.html", include_str!("../templates/users.html")),
    ("user.html", include_str!("../templates/user.html")),
    ("user_secret.html", include_str!("../templates/user_secret.html")),
    ("stages.html", include_str!("../templates/stages.html")),
];

/// The compiled templates. HTML escaping is on for every `.html` template (minijinja's default).
pub struct Pages {
    env: Environment<'static>,
}

static PAGES: LazyLock<Pages> = LazyLock::new(Pages::compile);

impl Pages {
    fn compile() -> Self {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(%error, template = name, "a console template does not compile");
            }
        }
        env.add_global("asset_version", crate::assets::VERSION.as_str());
        env.add_filter("when", when);
        Self { env }
    }

    /// The shared templates.
    pub fn get() -> &'static Pages {
        &PAGES
    }

    /// Renders `name` with `ctx` into a 200 answer.
    pub fn render(&self, name: &str, ctx: serde_json::Value) -> Result<HttpResponse, PageError> {
        self.render_with(StatusCode::OK, name, ctx)
    }

    /// Renders `name` with `ctx` (built with `serde_json::json!`, which keeps exact amounts) into
    /// an answer with `status`.
    pub fn render_with(
        &self,
        status: StatusCode,
        name: &str,
        ctx: serde_json::Value,
    ) -> Result<HttpResponse, PageError> {
        let html = self
            .env
            .get_template(name)
            .and_then(|template| template.render(template_value(ctx)))
            .map_err(|error| PageError::Failed(format!("cannot render {name}: {error:#}")))?;
        Ok(html_answer(status, html))
    }
}

/// An RFC 3339 UTC time (`Z` or `+00:00`, Mautic's form) as people read it, to the minute:
/// `2026-11-30 21:56 UTC`. Anything else is shown as it is.
pub fn when(value: String) -> String {
    let b = value.as_bytes();
    let shaped = b.len() >= 16
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && (value.ends_with('Z') || value.ends_with("+00:00"));
    if shaped { format!("{} {} UTC", &value[..10], &value[11..16]) } else { value }
}

/// A JSON value as templates see it. Amounts are exact decimals (serde_json's
/// `arbitrary_precision`), which minijinja would show as an internal map: whole numbers become
/// integers, every other number its exact decimal text.
pub fn template_value(value: serde_json::Value) -> Value {
    use serde_json::Value as Json;
    match value {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(b),
        Json::Number(n) => n
            .as_u64()
            .map(Value::from)
            .or_else(|| n.as_i64().map(Value::from))
            .unwrap_or_else(|| Value::from(n.to_string())),
        Json::String(s) => Value::from(s),
        Json::Array(items) => Value::from(items.into_iter().map(template_value).collect::<Vec<_>>()),
        Json::Object(map) => Value::from_iter(map.into_iter().map(|(k, v)| (k, template_value(v)))),
    }
}

/// Why a page cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// No live session: the browser is sent to the sign-in page, which returns to `next` (the
    /// page asked for, for a `GET`) afterwards.
    #[error("sign in first")]
    SignInNeeded { next: Option<String> },
    /// A form without this session's CSRF token.
    #[error("this form has expired or did not come from this console; reload the page and try again")]
    BadCsrfToken,
    /// An error of the command or query the page called, in the API's words.
    #[error("{0}")]
    Api(#[from] ApiError),
    /// The page itself failed.
    #[error("{0}")]
    Failed(String),
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignInNeeded { .. } => StatusCode::SEE_OTHER,
            Self::BadCsrfToken => StatusCode::FORBIDDEN,
            Self::Api(error) => error.status,
            Self::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let message = match self {
            Self::SignInNeeded { next } => {
                return see_other(&next.as_deref().map_or_else(|| "/login".to_owned(), crate::return_to::login_url));
            }
            Self::Api(error) => error.message.clone(),
            Self::Failed(cause) => {
                tracing::error!(%cause, "a console page failed");
                "the page could not be shown; the server log says why".to_owned()
            }
            other => other.to_string(),
        };
        let ctx = json!({ "status": status.as_u16(), "reason": status.canonical_reason(), "message": message });
        Pages::get().render_with(status, "error.html", ctx).unwrap_or_else(|_| plain_error(status, &message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_amounts_render_as_their_decimal_text_and_pages_escape_html() {
        let amount: serde_json::Value = serde_json::from_str("15000.50").unwrap();
        let ctx = template_value(json!({ "message": "<b>x</b> 15000.50", "status": 404, "reason": "Not Found" }));
        assert_eq!(template_value(amount).to_string(), "15000.50");
        let html = Pages::get().env.get_template("error.html").unwrap().render(ctx).unwrap();
        assert!(html.contains("&lt;b&gt;x&lt;") && html.contains("15000.50") && !html.contains("<b>x"), "{html}");
    }

    #[test]
    fn times_show_to_the_minute_and_other_text_is_left_alone() {
        assert_eq!(when("2026-11-30T21:56:31.320910Z".into()), "2026-11-30 21:56 UTC");
        assert_eq!(when("2026-11-30".into()), "2026-11-30");
        assert_eq!(when("2026-02-24T04:21:16+00:00".into()), "2026-02-24 04:21 UTC");
        assert_eq!(when("not a time at all, really".into()), "not a time at all, really");
    }

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATES {
            assert!(Pages::get().env.get_template(name).is_ok(), "{name}");
        }
    }
}
