//! The `[ingest]` section of the configuration.

use std::path::PathBuf;

use domain::values::Secret;
use serde::Deserialize;

/// Inbound webhook settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestSettings {
    /// Largest accepted inbound body, in bytes.
    pub body_limit: usize,
    /// How long a rotated-out source secret keeps working, in hours.
    pub secret_grace_hours: u64,
    /// How long an `Idempotency-Key` (or `webhook-id`) is remembered, in hours.
    pub idempotency_window_hours: u64,
    /// Currency of deals whose payload names none.
    pub default_currency: String,
    /// The key that encrypts source secrets (`DEALFLOW_MASTER_KEY`); a key file is used if unset.
    pub master_key: Option<Secret>,
    /// Where the key file lives; default: beside the database, with the extension `.key`.
    pub master_key_file: Option<PathBuf>,
    /// How long a source's request log keeps a row, in days.
    pub request_log_days: u64,
    /// Most request log rows kept per source; the oldest go first.
    pub request_log_max_rows: u64,
}

impl Default for IngestSettings {
    fn default() -> Self {
        Self {
            body_limit: 1 << 20,
            secret_grace_hours: 24,
            idempotency_window_hours: 24,
            default_currency: "USD".into(),
            master_key: None,
            master_key_file: None,
            request_log_days: 30,
            request_log_max_rows: 10_000,
        }
    }
}
