//! Schemas of the answer envelopes the handlers build with `serde_json::json!`: each struct
//! mirrors one `json!({...})` literal field for field and wraps the real entity type, so the
//! document names the code's own types. They are never constructed.

#![allow(dead_code)]

use dispatcher::delivery::DeliverySettings;
use dispatcher::delivery::attempts::LogEntry;
use dispatcher::delivery::replay::Replayed;
use dispatcher::hooks::model::{Category, HookView};
use domain::contact::Contact;
use domain::deal::{Deal, Note, Task};
use ingest::sources::SourceView;
use projection::history::{EventView, HistoryEntry};
use projection::queries::pipelines::{Board, PipelineView};
use serde_json::Value;
use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::auth::manage::{TokenView, UserView};

/// SPEC §9: the one error body every route answers with (`api::ApiError::body`).
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

/// `{"hook": …}`
#[derive(ToSchema)]
pub struct HookAnswer<'a> {
    pub hook: HookView<'a>,
}

/// `{"total": n, "hooks": {"<id>": hook, …}}`: Mautic's id-keyed object (`hooks::HookList`).
#[derive(ToSchema)]
pub struct HookList<'a> {
    pub total: u64,
    pub hooks: std::collections::BTreeMap<String, HookView<'a>>,
}

/// `{"hooks": [...], "statusCodes": [...]}` of the batch routes; when items failed, `hooks` is
/// an object keyed by index and `errors` holds each failed item's error by index (Mautic's
/// shape). 422 when no item was applied.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct HookBatch<'a> {
    pub hooks: BatchHooks<'a>,
    pub status_codes: Vec<u16>,
    #[schema(nullable = false, required = false)]
    pub errors: Option<std::collections::BTreeMap<String, ErrorItem>>,
}

/// The hooks of a [`HookBatch`]: an array, or an object keyed by index when items failed.
pub struct BatchHooks<'a>(std::marker::PhantomData<HookView<'a>>);

impl utoipa::PartialSchema for BatchHooks<'_> {
    fn schema() -> RefOr<Schema> {
        let hook = || Ref::from_schema_name("HookView");
        OneOfBuilder::new()
            .item(ArrayBuilder::new().items(hook()))
            .item(ObjectBuilder::new().additional_properties(Some(AdditionalProperties::RefOr(hook().into()))))
            .into()
    }
}

impl ToSchema for BatchHooks<'_> {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((HookView::name().into(), HookView::schema()));
        HookView::schemas(schemas);
    }
}

/// `{"triggers": {"<name>": {"label", "description"}, …}}`
#[derive(ToSchema)]
pub struct TriggerList {
    pub triggers: std::collections::BTreeMap<String, TriggerInfo>,
}

/// One trigger of [`TriggerList`].
#[derive(ToSchema)]
pub struct TriggerInfo {
    pub label: String,
    pub description: String,
}

/// `{"category": …}`
#[derive(ToSchema)]
pub struct CategoryAnswer {
    pub category: Category,
}

/// `{"total": n, "categories": [...]}`
#[derive(ToSchema)]
pub struct CategoryList {
    pub total: u64,
    pub categories: Vec<Category>,
}

/// `{"settings": …}`
#[derive(ToSchema)]
pub struct SettingsAnswer {
    pub settings: DeliverySettings,
}

/// `{"total": n, "logs": [...]}`, newest first.
#[derive(ToSchema)]
pub struct LogList {
    pub total: u64,
    pub logs: Vec<LogEntry>,
}

/// `{"test": …}`: the receiver's status and time.
#[derive(ToSchema)]
pub struct TestAnswer {
    #[schema(value_type = Object)]
    pub test: Value,
}

/// `{"replay": …}`
#[derive(ToSchema)]
pub struct ReplayAnswer {
    pub replay: Replayed,
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
