//! What the command side's handlers share.

use std::sync::Arc;

use api::{Principal, RequestId};
use domain::Metadata;
use domain::values::Currency;
use eventlog::EventStore;

use crate::IngestSettings;
use crate::request_log::RequestLog;
use crate::secrets::SecretBox;
use crate::sources::SourceCache;
use crate::streams::PipelineCache;

/// The command side: the log, the master key, caches and settings.
pub struct Ingest {
    pub log: EventStore,
    pub secrets: SecretBox,
    pub settings: IngestSettings,
    pub default_currency: Currency,
    /// Base of the endpoint URLs shown to users.
    pub public_url: String,
    pub pipelines: Arc<PipelineCache>,
    pub sources: SourceCache,
    /// Rows of the request log waiting to be stored.
    pub request_log: RequestLog,
}

impl Ingest {
    /// The command side over `log`, with the master key from settings or the key file.
    pub fn new(log: EventStore, settings: IngestSettings, public_url: String) -> anyhow::Result<Self> {
        let secrets = crate::secrets::load_box(&settings, log.path())?;
        let default_currency = Currency::parse(&settings.default_currency)
            .map_err(|e| anyhow::anyhow!("ingest.default_currency {:?} {e}", settings.default_currency))?;
        Ok(Self {
            log: log.clone(),
            secrets,
            settings,
            default_currency,
            public_url,
            pipelines: Arc::default(),
            sources: SourceCache::default(),
            request_log: RequestLog::new(log.clone()),
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

impl Ingest {
    /// One round of request log housekeeping at `now`: drops rows older than
    /// `request_log_days` and beyond `request_log_max_rows` per source; answers how many.
    pub async fn prune_request_log(&self, now: chrono::DateTime<chrono::Utc>) -> Result<usize, crate::CommandError> {
        let days = i64::try_from(self.settings.request_log_days).unwrap_or(i64::MAX / 86_400_000_000);
        let retention = crate::request_log::store::Retention {
            before: chrono::Duration::try_days(days)
                .and_then(|age| now.checked_sub_signed(age))
                .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC),
            max_rows_per_source: self.settings.request_log_max_rows,
        };
        self.request_log.flush().await?;
        self.log.write(move |tx| Ok(crate::request_log::store::prune(tx.sql(), &retention)?)).await
    }
}

/// The metadata of events caused by an authenticated user's request.
pub fn user_metadata(user: &Principal, request_id: &RequestId) -> Metadata {
    user.metadata(request_id)
}
