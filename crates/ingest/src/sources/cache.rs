//! Opened secrets and publication state of sources, for the inbound endpoint's hot path. Entries
//! are dropped on every change made in this process and expire after a few seconds, so changes
//! made by another process (the CLI) are seen promptly.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use domain::ids::{PipelineId, SourceId};
use domain::mapping::Mapping;
use domain::signature::SchemeSettings;
use eventlog::{EventStore, StorageError};

use super::store;
use crate::secrets::SecretBox;

/// A source ready to verify requests. `Debug` never shows the secrets.
pub struct ActiveSource {
    pub id: SourceId,
    pub name: String,
    pub default_pipeline_id: PipelineId,
    pub is_published: bool,
    pub secret: String,
    pub previous_secret: Option<(String, DateTime<Utc>)>,
    /// How its sender signs, and the timestamp tolerance.
    pub scheme: SchemeSettings,
    /// The mapping, compiled once per load; `None`: the body is SPEC §5's payload.
    pub mapping: Option<Mapping>,
    loaded: Instant,
}

impl std::fmt::Debug for ActiveSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActiveSource").field("id", &self.id).field("name", &self.name).finish_non_exhaustive()
    }
}

impl ActiveSource {
    /// The secrets a signature may be made with at `now`: the current one, and the previous one
    /// during its grace period.
    pub fn secrets_at(&self, now: DateTime<Utc>) -> impl Iterator<Item = &str> {
        let previous = self.previous_secret.as_ref().filter(|(_, until)| now < *until).map(|(s, _)| s.as_str());
        std::iter::once(self.secret.as_str()).chain(previous)
    }
}

impl ActiveSource {
    /// The same source with another mapping (the preview of an unsaved one).
    pub fn with_mapping(&self, mapping: Option<Mapping>) -> Self {
        Self {
            id: self.id,
            name: self.name.clone(),
            default_pipeline_id: self.default_pipeline_id,
            is_published: self.is_published,
            secret: self.secret.clone(),
            previous_secret: self.previous_secret.clone(),
            scheme: self.scheme,
            mapping,
            loaded: self.loaded,
        }
    }
}

/// Sources by id, opened.
#[derive(Default)]
pub struct SourceCache {
    entries: RwLock<HashMap<SourceId, Arc<ActiveSource>>>,
}

const FRESH_FOR: Duration = Duration::from_secs(5);

/// Why a source could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SourceLoadError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Unseal(#[from] crate::secrets::UnsealError),
    /// A stored mapping no longer compiles (it was checked when saved; a newer build may read
    /// paths more strictly).
    #[error("the stored mapping of this source does not compile: {0}; edit the source's mapping")]
    Mapping(#[from] domain::mapping::MappingError),
}

impl SourceCache {
    /// The source, from memory when fresh; `None` when it does not exist or was deleted.
    pub async fn get(
        &self,
        log: &EventStore,
        secrets: &SecretBox,
        id: SourceId,
    ) -> Result<Option<Arc<ActiveSource>>, SourceLoadError> {
        if let Some(active) = self.read().get(&id).filter(|a| a.loaded.elapsed() < FRESH_FOR) {
            return Ok(Some(active.clone()));
        }
        let record = log.read_async(move |conn| store::find(conn, id).map_err(StorageError::from)).await?;
        let Some(record) = record else {
            self.forget(id);
            return Ok(None);
        };
        let previous_secret = match record.previous_secret {
            Some((sealed, until)) => Some((secrets.open(&sealed)?, until)),
            None => None,
        };
        let active = Arc::new(ActiveSource {
            id,
            name: record.name,
            default_pipeline_id: record.default_pipeline_id,
            is_published: record.is_published,
            secret: secrets.open(&record.secret)?,
            previous_secret,
            scheme: SchemeSettings { scheme: record.signature, tolerance_seconds: record.tolerance_seconds },
            mapping: super::settings::compile(record.mapping.as_ref())?,
            loaded: Instant::now(),
        });
        self.entries.write().unwrap_or_else(|p| p.into_inner()).insert(id, active.clone());
        Ok(Some(active))
    }

    /// Drops a source after it changed.
    pub fn forget(&self, id: SourceId) {
        self.entries.write().unwrap_or_else(|p| p.into_inner()).remove(&id);
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<SourceId, Arc<ActiveSource>>> {
        self.entries.read().unwrap_or_else(|p| p.into_inner())
    }
}
