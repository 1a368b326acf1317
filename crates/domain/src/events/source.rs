use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ContactId, DealId, PipelineId};
use crate::values::Change;

/// `source.created`; the secret is kept outside the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCreated {
    pub name: String,
    pub default_pipeline_id: PipelineId,
    pub is_published: bool,
}

/// `source.updated`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceUpdated {
    pub changes: SourceChanges,
}

/// What changed on a source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Change<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_pipeline_id: Option<Change<PipelineId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_published: Option<Change<bool>>,
}

impl SourceChanges {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.default_pipeline_id.is_none() && self.is_published.is_none()
    }
}

/// `source.secret_rotated`; neither secret is in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSecretRotated {
    pub previous_valid_until: DateTime<Utc>,
}

/// `source.deleted`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDeleted {}

/// `inbound.received`: one accepted inbound request, without its body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundReceived {
    /// Hex SHA-256 of the body's JSON text (as sent, unless it came compressed or with a
    /// byte-order mark: then decoded and without it).
    pub body_sha256: String,
    /// Size in bytes of that JSON text.
    pub size: u64,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// The deal the request created or updated.
    pub deal_id: DealId,
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    /// True when the request created the deal.
    pub created: bool,
}
