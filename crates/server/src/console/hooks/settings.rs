//! `GET /hooks/settings`: the webhook settings in force, as `GET /api/settings/webhooks` reads
//! them; `POST /hooks/settings` changes them with the command `PATCH /api/settings/webhooks`
//! runs (queue mode, order, batch limit, timeout, log size, retry and dispatch schedules).

use actix_web::HttpResponse;
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Data};
use api::ApiError;
use console::{PageError, Pages, Session};
use dispatcher::Engine;
use dispatcher::delivery::commands;
use serde_json::{Map, Value, json};

use crate::console::forms::{Posted, field_errors, form_message, may, with_layout};

const SETTINGS: &str = "/api/settings/webhooks";
/// The form's fields, by the API's names, sent as typed (the API reads numbers in text).
const FIELDS: &[&str] = &["queue_mode", "events_orderby_dir", "batch_limit", "timeout", "log_max", "dispatch_schedule"];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/hooks/settings", web::get().to(show)).route("/hooks/settings", web::post().to(save));
}

fn render(session: &Session, values: Value, saved: bool, error: Option<ApiError>) -> Result<HttpResponse, PageError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = json!({
        "settings": values, "saved": saved, "can_edit": may(session, Method::PATCH, SETTINGS),
        "message": error.as_ref().map(|e| form_message(e, "The settings were not saved; see below.")),
        "errors": error.as_ref().and_then(field_errors).unwrap_or(json!({})),
    });
    Pages::get().render_with(status, "hook_settings.html", with_layout(session, "hook_settings", page))
}

/// The settings as the form shows them: the retry schedule as comma-separated seconds.
fn form_values(settings: &dispatcher::delivery::DeliverySettings) -> Result<Value, ApiError> {
    let mut values = serde_json::to_value(settings).map_err(ApiError::internal)?;
    let schedule: Vec<String> = settings.retry_schedule.iter().map(u64::to_string).collect();
    values["retry_schedule"] = json!(schedule.join(", "));
    Ok(values)
}

async fn show(engine: Data<Engine>, session: Session) -> Result<HttpResponse, PageError> {
    let settings = engine.settings().await.map_err(ApiError::from)?;
    render(&session, form_values(&settings)?, false, None)
}

/// The form as the API's PATCH body. The retry schedule's text becomes a list: numbers as
/// numbers, anything else as text for the API to refuse in its words.
fn settings_body(posted: &Posted) -> Map<String, Value> {
    let mut body: Map<String, Value> =
        FIELDS.iter().filter_map(|name| Some(((*name).to_owned(), json!(posted.raw(name)?)))).collect();
    if let Some(schedule) = posted.raw("retry_schedule") {
        let delays: Vec<Value> = schedule
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|d| !d.is_empty())
            .map(|d| d.parse::<u64>().map_or_else(|_| json!(d), |n| json!(n)))
            .collect();
        body.insert("retry_schedule".into(), Value::Array(delays));
    }
    body
}

async fn save(engine: Data<Engine>, posted: Posted) -> Result<HttpResponse, PageError> {
    posted.require(Method::PATCH, SETTINGS)?;
    match commands::change_settings(&engine, settings_body(&posted)).await.map_err(ApiError::from) {
        Ok(settings) => render(&posted.session, form_values(&settings)?, true, None),
        Err(error) if error.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let values: Map<String, Value> = FIELDS
                .iter()
                .chain(&["retry_schedule"])
                .map(|name| ((*name).to_owned(), json!(posted.raw(name).unwrap_or_default())))
                .collect();
            render(&posted.session, Value::Object(values), false, Some(error))
        }
        Err(error) => Err(error.into()),
    }
}
