//! The console's webhook pages (issue 12: "Webhooks" and "Webhook settings"). Each runs the
//! command or query its `/api` route runs, and asks the API's role table whether the user may.
//!
//! - [`list`]: `GET /hooks`, every hook with its health at a glance.
//! - [`edit`]: `GET|POST /hooks/new`, `GET /hooks/{id}`, `POST /hooks/{id}/edit` and
//!   `POST /hooks/{id}/test` (Send Test Payload).
//! - [`log`]: `GET /hooks/{id}/logs` with its filters, `POST /hooks/{id}/replay` (resend the
//!   failed deliveries, or replay from a position or a time).
//! - [`live`]: `GET /hooks/{id}/logs/live`, server-sent events that refresh an open log.
//! - [`settings`]: `GET|POST /hooks/settings`.
//! - [`body`]: the hook form read as the API's body, and the events grouped for it.
//! - [`retry`]: when a failing hook's next retry is due.

mod body;
mod edit;
mod list;
mod live;
mod log;
mod retry;
mod settings;

use actix_web::web;
use api::{ApiError, Principal};
use dispatcher::HooksApi;
use dispatcher::delivery::health;
use dispatcher::hooks::model::Health;
use dispatcher::hooks::store;
use domain::ids::HookId;
use eventlog::StorageError;
use serde_json::{Value, json};

/// Fixed paths first: `/hooks/new` and `/hooks/settings` are not hook ids.
pub fn configure(cfg: &mut web::ServiceConfig) {
    list::configure(cfg);
    settings::configure(cfg);
    edit::configure(cfg);
    live::configure(cfg);
    log::configure(cfg);
}

/// A hook as `GET /api/hooks/{id}` shows it to `reader` (health included, with
/// `health.nextRetryAt` when a retry is due later; analysts without the secret and the URL's
/// credentials), and its triggers; 404 for an unknown id.
pub async fn hook_view(api: &HooksApi, id: HookId, reader: &Principal) -> Result<(Value, Vec<String>), ApiError> {
    let secrets = api.secrets.clone();
    let found = api
        .log
        .read_async(move |conn| {
            let Some(hook) = store::find(conn, &secrets, id)? else { return Ok(None) };
            let health = health::of(conn, std::slice::from_ref(&hook))?;
            let retry = retry::of(conn, std::slice::from_ref(&hook), chrono::Utc::now())?;
            Ok::<_, StorageError>(Some((hook, health, retry)))
        })
        .await?;
    let (hook, mut health, mut retry) =
        found.ok_or_else(|| ApiError::not_found(format!("hook {id} does not exist")))?;
    let mut view =
        serde_json::to_value(hook.view(health.remove(&id), false).for_reader(reader)).map_err(ApiError::internal)?;
    if let Some(at) = retry.remove(&id) {
        view["health"]["nextRetryAt"] = json!(at);
    }
    Ok((view, hook.triggers))
}

/// A hook's health in a word, for the list: stopped (dealflow unpublished it), failing, healthy,
/// or no deliveries yet.
pub fn health_state(health: &Health) -> Value {
    let (word, tone) = if health.unpublished_reason.is_some() {
        ("stopped", "bad")
    } else if health.failing_since.is_some() {
        ("failing", "bad")
    } else if health.last_success_at.is_some() {
        ("healthy", "good")
    } else {
        ("no deliveries yet", "")
    };
    json!({ "word": word, "tone": tone })
}
