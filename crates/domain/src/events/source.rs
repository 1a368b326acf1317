use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ContactId, DealId, PipelineId};
use crate::values::Change;

/// `source.created`; the secret is kept outside the log. The inbound settings (issue 11) are
/// absent from events recorded before them and for sources that keep the defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCreated {
    pub name: String,
    pub default_pipeline_id: PipelineId,
    pub is_published: bool,
    /// The signature scheme's name (`typeform`), when not `dealflow`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The timestamp tolerance in seconds, when not the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_seconds: Option<u32>,
    /// The mapping as written, when the source has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<serde_json::Value>,
    /// The preset the source was created from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Change<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_seconds: Option<Change<u32>>,
    /// `null` on either side: no mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<Change<Option<serde_json::Value>>>,
    /// The preset the settings were last filled in from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<Change<Option<String>>>,
}

impl SourceChanges {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.default_pipeline_id.is_none()
            && self.is_published.is_none()
            && self.signature.is_none()
            && self.tolerance_seconds.is_none()
            && self.mapping.is_none()
            && self.preset.is_none()
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
