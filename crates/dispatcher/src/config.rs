//! The `[webhooks]` section of the configuration: the defaults of the webhook settings that
//! `GET|PATCH /api/settings/webhooks` then manage (SPEC §7).

use serde::Deserialize;

/// Webhook delivery defaults.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    /// `immediate` or `queue` (`DEALFLOW_QUEUE_MODE`).
    pub queue_mode: String,
    /// `ASC` (chronological) or `DESC`.
    pub events_orderby_dir: String,
    /// Events per request in queue mode.
    pub batch_limit: u32,
    /// Seconds to wait for a receiver.
    pub timeout: u64,
    /// Delivery log entries kept per hook.
    pub log_max: u32,
    /// Seconds before each retry (each ±20 % jitter).
    pub retry_schedule: Vec<u64>,
    /// Cron expression of the built-in dispatch job in queue mode.
    pub dispatch_schedule: String,
    /// Allow hook URLs on loopback and private addresses (`DEALFLOW_ALLOW_PRIVATE_TARGETS`).
    pub allow_private_targets: bool,
    /// Hours of failures without a single success after which a hook is unpublished.
    pub unpublish_after_hours: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            queue_mode: "immediate".into(),
            events_orderby_dir: "ASC".into(),
            batch_limit: 10,
            timeout: 15,
            log_max: 1000,
            retry_schedule: vec![5, 300, 1800, 7200, 18000, 36000, 36000],
            dispatch_schedule: "* * * * *".into(),
            allow_private_targets: false,
            unpublish_after_hours: 120,
        }
    }
}
