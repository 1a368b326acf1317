//! What the command side's handlers share.

use std::sync::Arc;

use api::{Principal, RequestId};
use domain::Metadata;
use domain::values::Currency;
use eventlog::SqliteEventLog;

use crate::IngestSettings;
use crate::secrets::SecretBox;
use crate::sources::SourceCache;
use crate::streams::PipelineCache;

/// The command side: the log, the master key, caches and settings.
pub struct Ingest {
    pub log: SqliteEventLog,
    pub secrets: SecretBox,
    pub settings: IngestSettings,
    pub default_currency: Currency,
    /// Base of the endpoint URLs shown to users.
    pub public_url: String,
    pub pipelines: Arc<PipelineCache>,
    pub sources: SourceCache,
}

impl Ingest {
    /// The command side over `log`, with the master key from settings or the key file.
    pub fn new(log: SqliteEventLog, settings: IngestSettings, public_url: String) -> anyhow::Result<Self> {
        let secrets = crate::secrets::load_box(&settings, log.path())?;
        let default_currency = Currency::parse(&settings.default_currency)
            .map_err(|e| anyhow::anyhow!("ingest.default_currency {:?} {e}", settings.default_currency))?;
        Ok(Self {
            log,
            secrets,
            settings,
            default_currency,
            public_url,
            pipelines: Arc::default(),
            sources: SourceCache::default(),
        })
    }
}

impl Ingest {
    /// Forgets inbound idempotency answers older than the window; answers how many.
    pub async fn purge_expired_keys(&self) -> Result<usize, crate::CommandError> {
        let window = chrono::Duration::hours(i64::try_from(self.settings.idempotency_window_hours).unwrap_or(24));
        self.log
            .write(move |tx| {
                let before = (tx.recorded_at() - window).timestamp_micros();
                Ok(crate::inbound::purge_expired(tx.sql(), before)?)
            })
            .await
    }
}

/// The metadata of events caused by an authenticated user's request.
pub fn user_metadata(user: &Principal, request_id: &RequestId) -> Metadata {
    user.metadata(request_id)
}
