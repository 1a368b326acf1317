//! Who caused an event and in answer to what: the metadata stored beside every event.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::SourceId;

/// The kind of actor behind a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    /// A person using the API or the CLI.
    User,
    /// An inbound source posting a webhook.
    Source,
    /// dealflow itself (first start, the dispatcher).
    System,
}

/// The user, source or system process that caused an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Actor {
    /// The actor's id among users or sources; none for the system.
    pub id: Option<u64>,
    /// A display name.
    pub name: String,
    /// What kind of actor this is.
    #[serde(rename = "type")]
    pub kind: ActorKind,
}

impl Actor {
    /// dealflow itself.
    pub fn system() -> Self {
        Self { id: None, name: "dealflow".to_owned(), kind: ActorKind::System }
    }

    /// A user.
    pub fn user(id: u64, name: impl Into<String>) -> Self {
        Self { id: Some(id), name: name.into(), kind: ActorKind::User }
    }

    /// An inbound source.
    pub fn source(id: SourceId, name: impl Into<String>) -> Self {
        Self { id: Some(id.0), name: name.into(), kind: ActorKind::Source }
    }
}

/// The metadata of SPEC §2, stored as JSON beside each event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Shared by every event caused, directly or not, by one request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<Uuid>,
    /// The event that caused this one, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    /// The `X-Request-Id` of the HTTP request that caused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Who caused it.
    pub actor: Actor,
    /// The inbound source that caused it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<SourceId>,
}

impl Metadata {
    /// Metadata for a change made by `actor` while answering the request `request_id`.
    pub fn new(actor: Actor, request_id: Option<String>) -> Self {
        let source_id = match actor.kind {
            ActorKind::Source => actor.id.map(SourceId),
            _ => None,
        };
        Self { correlation_id: Some(Uuid::now_v7()), causation_id: None, request_id, actor, source_id }
    }

    /// Metadata for a change made by dealflow itself.
    pub fn system() -> Self {
        Self::new(Actor::system(), None)
    }
}
