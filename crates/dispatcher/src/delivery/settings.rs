//! The webhook settings of SPEC §7, managed by `GET|PATCH /api/settings/webhooks`. Until they are
//! first changed through the API, the configuration's defaults apply.

use api::Fields;
use croner::Cron;
use domain::values::FieldErrors;
use eventlog::sql::{Db, Optional};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::WebhookSettings;
use crate::hooks::OrderDir;

/// When events are delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum QueueMode {
    /// Each event to each hook as soon as it is committed, one per request.
    Immediate,
    /// Stored, and delivered in batches when the dispatch job runs.
    Queue,
}

impl QueueMode {
    /// Parses `immediate` or `queue`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "immediate" => Some(Self::Immediate),
            "queue" => Some(Self::Queue),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Immediate => "immediate",
            Self::Queue => "queue",
        }
    }
}

/// The settings in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeliverySettings {
    pub queue_mode: QueueMode,
    pub events_orderby_dir: OrderDir,
    pub batch_limit: u32,
    /// Seconds to wait for a receiver.
    pub timeout: u64,
    pub log_max: u32,
    /// Seconds before each retry.
    pub retry_schedule: Vec<u64>,
    pub dispatch_schedule: String,
}

const MAX_BATCH: u32 = 1000;
const MAX_TIMEOUT: u64 = 300;
const MAX_RETRIES: usize = 20;
const MAX_RETRY_DELAY: u64 = 7 * 24 * 3600;

impl DeliverySettings {
    /// The configuration's defaults, checked.
    pub fn from_config(config: &WebhookSettings) -> Result<Self, FieldErrors> {
        let value = serde_json::json!({
            "queue_mode": config.queue_mode, "events_orderby_dir": config.events_orderby_dir,
            "batch_limit": config.batch_limit, "timeout": config.timeout, "log_max": config.log_max,
            "retry_schedule": config.retry_schedule, "dispatch_schedule": config.dispatch_schedule,
        });
        let Value::Object(map) = value else { return Err(FieldErrors::new()) };
        let defaults = Self {
            queue_mode: QueueMode::Immediate,
            events_orderby_dir: OrderDir::Asc,
            batch_limit: 10,
            timeout: 15,
            log_max: 1000,
            retry_schedule: Vec::new(),
            dispatch_schedule: "* * * * *".into(),
        };
        defaults.patched(&map)
    }

    /// The settings with a PATCH body's fields applied; every bad field is reported.
    pub fn patched(&self, map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut fields = Fields::new(map);
        let mut next = self.clone();
        if let Some(text) = fields.optional_text("queue_mode", 16) {
            let parsed = QueueMode::parse(text.as_str()).ok_or("must be immediate or queue");
            next.queue_mode = fields.check("queue_mode", parsed).unwrap_or(next.queue_mode);
        }
        if let Some(text) = fields.optional_text("events_orderby_dir", 8) {
            let parsed = OrderDir::parse(text.as_str()).ok_or("must be ASC or DESC");
            next.events_orderby_dir = fields.check("events_orderby_dir", parsed).unwrap_or(next.events_orderby_dir);
        }
        next.batch_limit =
            bounded(&mut fields, "batch_limit", 1, u64::from(MAX_BATCH)).map_or(next.batch_limit, |n| n as u32);
        next.timeout = bounded(&mut fields, "timeout", 1, MAX_TIMEOUT).unwrap_or(next.timeout);
        next.log_max = bounded(&mut fields, "log_max", 0, 1_000_000).map_or(next.log_max, |n| n as u32);
        if let Some(value) = fields.value("retry_schedule") {
            let parsed = value
                .as_array()
                .filter(|delays| delays.len() <= MAX_RETRIES)
                .and_then(|delays| {
                    delays.iter().map(|d| d.as_u64().filter(|d| *d <= MAX_RETRY_DELAY)).collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| {
                    format!("must be a list of at most {MAX_RETRIES} delays in seconds, each at most {MAX_RETRY_DELAY}")
                });
            next.retry_schedule = fields.check("retry_schedule", parsed).unwrap_or(next.retry_schedule);
        }
        if let Some(text) = fields.optional_text("dispatch_schedule", 128) {
            let expression = text.into_string();
            let parsed = Cron::new(&expression)
                .parse()
                .map(|_| expression)
                .map_err(|e| format!("is not a cron expression: {e}"));
            next.dispatch_schedule = fields.check("dispatch_schedule", parsed).unwrap_or(next.dispatch_schedule);
        }
        fields.refuse_unknown();
        let errors = fields.into_errors();
        errors.into_result(|| next)
    }

    /// The dispatch job's schedule (validated when the settings were made).
    pub fn cron(&self) -> Option<Cron> {
        Cron::new(&self.dispatch_schedule).parse().ok()
    }

    /// The settings in force: the stored ones, or `defaults`.
    pub fn load(conn: &Db<'_>, defaults: &Self) -> eventlog::sql::Result<Self> {
        let stored = conn
            .prepare_cached(
                "SELECT queue_mode, events_orderby_dir, batch_limit, timeout, log_max, retry_schedule, dispatch_schedule
                 FROM webhook_settings WHERE id = 1",
            )?
            .query_row([], |row| {
                let (mode, dir, schedule): (String, String, String) = (row.get(0)?, row.get(1)?, row.get(5)?);
                Ok(Self {
                    queue_mode: QueueMode::parse(&mode).unwrap_or(defaults.queue_mode),
                    events_orderby_dir: OrderDir::parse(&dir).unwrap_or(defaults.events_orderby_dir),
                    batch_limit: row.get(2)?,
                    timeout: row.get(3)?,
                    log_max: row.get(4)?,
                    retry_schedule: serde_json::from_str(&schedule).unwrap_or_else(|_| defaults.retry_schedule.clone()),
                    dispatch_schedule: row.get(6)?,
                })
            })
            .optional()?;
        Ok(stored.unwrap_or_else(|| defaults.clone()))
    }

    /// Stores the settings (they then win over the configuration).
    pub fn save(&self, conn: &Db<'_>, now: i64) -> eventlog::sql::Result<()> {
        conn.prepare_cached(
            "INSERT INTO webhook_settings (id, queue_mode, events_orderby_dir, batch_limit, timeout, log_max, retry_schedule, dispatch_schedule, updated_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET queue_mode = excluded.queue_mode, events_orderby_dir = excluded.events_orderby_dir, batch_limit = excluded.batch_limit, timeout = excluded.timeout, log_max = excluded.log_max, retry_schedule = excluded.retry_schedule, dispatch_schedule = excluded.dispatch_schedule, updated_at = excluded.updated_at",
        )?
        .execute(eventlog::params![
            self.queue_mode.as_str(),
            self.events_orderby_dir.as_str(),
            self.batch_limit,
            self.timeout,
            self.log_max,
            serde_json::to_string(&self.retry_schedule).unwrap_or_else(|_| "[]".into()),
            self.dispatch_schedule,
            now,
        ])?;
        Ok(())
    }
}

fn bounded(fields: &mut Fields<'_>, name: &str, min: u64, max: u64) -> Option<u64> {
    let value = fields.value(name)?;
    let parsed = value
        .as_u64()
        .or_else(|| value.as_str()?.trim().parse().ok())
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("must be an integer from {min} to {max}"));
    fields.check(name, parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn defaults() -> DeliverySettings {
        DeliverySettings::from_config(&WebhookSettings::default()).unwrap()
    }

    #[test]
    fn the_configuration_defaults_are_the_specs() {
        let settings = defaults();
        assert_eq!(settings.queue_mode, QueueMode::Immediate);
        assert_eq!(settings.batch_limit, 10);
        assert_eq!(settings.retry_schedule, [5, 300, 1800, 7200, 18000, 36000, 36000]);
        assert!(settings.cron().is_some());
    }

    #[test]
    fn a_patch_reports_every_bad_field() {
        let Value::Object(map) = json!({ "queue_mode": "sometimes", "batch_limit": 0, "retry_schedule": [5, -1],
            "dispatch_schedule": "every tuesday", "events_orderby_dir": "abrakadabra" })
        else {
            unreachable!()
        };
        let errors = defaults().patched(&map).unwrap_err();
        let fields: Vec<_> = errors.fields().collect();
        assert_eq!(fields, ["batch_limit", "dispatch_schedule", "events_orderby_dir", "queue_mode", "retry_schedule"]);
    }
}
