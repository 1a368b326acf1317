//! Schemas of the answer envelopes the handlers build with `serde_json::json!`: each struct
//! mirrors one `json!({...})` literal field for field and wraps the real entity type, so the
//! document names the code's own types. They are never constructed.

#![allow(dead_code)]

use domain::contact::Contact;
use domain::deal::{Deal, Note, Task};
use ingest::sources::SourceView;
use projection::history::{EventView, HistoryEntry};
use projection::queries::pipelines::{Board, PipelineView};
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::manage::{TokenView, UserView};

/// The error body every route answers with.
#[derive(ToSchema)]
pub struct ErrorBody {
    pub errors: Vec<ErrorItem>,
}

/// One error of [`ErrorBody`].
#[derive(ToSchema)]
pub struct ErrorItem {
    /// The HTTP status.
    pub code: u16,
    pub message: String,
    /// Field → messages for validation errors; facts about the failure otherwise.
    #[schema(value_type = Object)]
    pub details: Value,
    /// Always `null` (Mautic's field).
    #[schema(value_type = Option<String>, required)]
    pub r#type: Option<String>,
}

/// `{"deal": …}`
#[derive(ToSchema)]
pub struct DealAnswer {
    pub deal: Deal,
}

/// `{"total": n, "deals": [...]}`; items leave out `notes` and `tasks`.
#[derive(ToSchema)]
pub struct DealList {
    pub total: u64,
    #[schema(value_type = Vec<Object>)]
    pub deals: Vec<Value>,
}

/// `{"total": n, "events": [...]}` of `GET /api/deals/{id}/history`.
#[derive(ToSchema)]
pub struct DealHistory<'a> {
    pub total: u64,
    pub events: Vec<HistoryEntry<'a>>,
}

/// `{"note": …, "deal_id": n}`
#[derive(ToSchema)]
pub struct NoteAnswer {
    pub note: Note,
    pub deal_id: u64,
}

/// `{"task": …, "deal_id": n}`
#[derive(ToSchema)]
pub struct TaskAnswer {
    pub task: Task,
    pub deal_id: u64,
}

/// `{"pipeline": …}`
#[derive(ToSchema)]
pub struct PipelineAnswer {
    pub pipeline: PipelineView,
}

/// `{"total": n, "pipelines": [...]}`
#[derive(ToSchema)]
pub struct PipelineList {
    pub total: u64,
    pub pipelines: Vec<PipelineView>,
}

/// `{"board": …}`
#[derive(ToSchema)]
pub struct BoardAnswer {
    pub board: Board,
}

/// `{"contact": …}`
#[derive(ToSchema)]
pub struct ContactAnswer {
    pub contact: Contact,
}

/// `{"total": n, "contacts": [...]}`
#[derive(ToSchema)]
pub struct ContactList {
    pub total: u64,
    pub contacts: Vec<Contact>,
}

/// `{"events": [...], "next_after": n}`
#[derive(ToSchema)]
pub struct EventPage<'a> {
    pub events: Vec<EventView<'a>>,
    pub next_after: u64,
}

/// `{"source": …}`
#[derive(ToSchema)]
pub struct SourceAnswer {
    pub source: SourceView,
}

/// `{"source": …, "secret": "…"}` on creation and rotation; `url_token` sources also get
/// `access_key` and `receive_url`; rotation adds `previous_secret_valid_until`.
#[derive(ToSchema)]
pub struct SourceWithSecret {
    pub source: SourceView,
    pub secret: String,
    #[schema(nullable = false, required = false)]
    pub access_key: Option<String>,
    #[schema(nullable = false, required = false)]
    pub receive_url: Option<String>,
    #[schema(value_type = Option<String>)]
    pub previous_secret_valid_until: Option<Value>,
}

/// `{"total": n, "sources": [...]}`
#[derive(ToSchema)]
pub struct SourceList {
    pub total: u64,
    pub sources: Vec<SourceView>,
}

/// `{"total": n, "presets": [...]}`
#[derive(ToSchema)]
pub struct PresetList {
    pub total: u64,
    #[schema(value_type = Vec<Object>)]
    pub presets: Vec<Value>,
}

/// `{"total": n, "requests": [...]}`: the source's request log (reasons, never bodies).
#[derive(ToSchema)]
pub struct RequestList {
    pub total: u64,
    #[schema(value_type = Vec<Object>)]
    pub requests: Vec<Value>,
}

/// `{"user": …}`; creation and password resets add the generated `password`.
#[derive(ToSchema)]
pub struct UserAnswer {
    pub user: UserView,
    #[schema(nullable = false, required = false)]
    pub password: Option<String>,
}

/// `{"total": n, "users": [...]}`
#[derive(ToSchema)]
pub struct UserList {
    pub total: u64,
    pub users: Vec<UserView>,
}

/// `{"token": …}`; issuing adds the token's `value`, shown once.
#[derive(ToSchema)]
pub struct TokenAnswer {
    pub token: TokenView,
    #[schema(nullable = false, required = false)]
    pub value: Option<String>,
}

/// `{"total": n, "tokens": [...]}`
#[derive(ToSchema)]
pub struct TokenList {
    pub total: u64,
    pub tokens: Vec<TokenView>,
}
