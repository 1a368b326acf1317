//! The commands and queries behind delivery's routes, shared by the API (`routes`) and the web
//! console, so that one function decides for both: a hook's log, a test send, and a change of
//! the webhook settings.

use std::time::Duration;

use api::{ApiError, CommandError};
use chrono::Utc;
use domain::ids::HookId;
use eventlog::StorageError;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::attempts::{self, Attempt, LogEntry};
use super::engine::Engine;
use super::log_query::LogQuery;
use super::settings::DeliverySettings;
use super::{payload, sample};
use crate::hooks::{Hook, store};

/// What a test send's receiver answered (`POST /api/hooks/{id}/test`).
#[derive(Clone, Debug, Serialize)]
pub struct TestSent {
    pub delivery_id: String,
    pub success: bool,
    pub status_code: Option<u16>,
    pub runtime_ms: u64,
    /// The error, or the first KiB of the answer's body.
    pub note: Option<String>,
}

/// The hook, or 404.
pub async fn find_hook(engine: &Engine, id: HookId) -> Result<Hook, ApiError> {
    let secrets = engine.context().secrets.clone();
    let hook =
        engine.context().log.read_async(move |conn| Ok::<_, StorageError>(store::find(conn, &secrets, id)?)).await?;
    hook.ok_or_else(|| ApiError::not_found(format!("hook {id} does not exist")))
}

/// A page of the hook's log matching `query`, newest first, and the total matching; 404 for an
/// unknown hook.
pub async fn logs(engine: &Engine, id: HookId, query: LogQuery) -> Result<(u64, Vec<LogEntry>), ApiError> {
    find_hook(engine, id).await?;
    Ok(engine.context().log.read_async(move |conn| Ok::<_, StorageError>(attempts::logs(conn, id, &query)?)).await?)
}

/// Sends a sample event to the hook now, logs the attempt as a test, and answers what the
/// receiver said.
pub async fn send_test(engine: &Engine, id: HookId) -> Result<TestSent, ApiError> {
    let hook = find_hook(engine, id).await?;
    let settings = engine.settings().await?;
    let (now, delivery_id) = (Utc::now(), format!("msg_{}", Uuid::now_v7().simple()));
    let sampled = hook.clone();
    let items = engine.context().log.read_async(move |conn| sample::items(conn, &sampled, now)).await?;
    let body = payload::body(hook.payload_format, &items);
    let answer =
        engine.context().sender.send(&hook, &delivery_id, body, Duration::from_secs(settings.timeout), now).await;
    let attempt = Attempt { is_test: true, ..Attempt::answered(id, &delivery_id, &items, 1, &answer, now) };
    engine
        .context()
        .log
        .write(move |tx| {
            attempts::record(tx.sql(), &attempt)?;
            Ok::<_, StorageError>(attempts::trim_log(tx.sql(), id, settings.log_max)?)
        })
        .await?;
    Ok(TestSent {
        delivery_id,
        success: answer.succeeded(),
        status_code: answer.status,
        runtime_ms: answer.runtime.as_millis() as u64,
        note: answer.note,
    })
}

/// Applies a PATCH body's fields to the settings in force and stores the result (every bad field
/// reported, nothing stored); the engine picks the change up at once.
pub async fn change_settings(engine: &Engine, body: Map<String, Value>) -> Result<DeliverySettings, CommandError> {
    let defaults = engine.context().defaults.clone();
    let settings = engine
        .context()
        .log
        .write(move |tx| {
            let next = DeliverySettings::load(tx.sql(), &defaults)?.patched(&body).map_err(CommandError::Invalid)?;
            next.save(tx.sql(), tx.recorded_at().timestamp_micros())?;
            Ok::<_, CommandError>(next)
        })
        .await?;
    engine.configuration_changed();
    Ok(settings)
}
