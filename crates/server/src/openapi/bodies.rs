//! Schemas of the request bodies. The handlers read bodies field by field (`api::Fields`,
//! which also accepts forms), so there is no body type to derive from: each struct lists the
//! fields its command reads, with the same names and limits. They are never constructed.

#![allow(dead_code)]

use domain::events::StageType;
use domain::values::{Amount, Currency, CustomFields};
use serde_json::Value;
use utoipa::ToSchema;

/// `POST /api/deals/new`
#[derive(ToSchema)]
pub struct NewDeal {
    /// 1–255 characters.
    #[schema(max_length = 255, example = "Acme Corp - Enterprise Plan")]
    pub title: String,
    pub amount: Option<Amount>,
    pub currency: Option<Currency>,
    pub close_date: Option<chrono::NaiveDate>,
    /// Default 1 (Main Pipeline).
    pub pipeline_id: Option<u64>,
    /// Default: the pipeline's first stage.
    pub stage_id: Option<u64>,
    pub contact_ids: Option<Vec<u64>>,
    pub custom_fields: Option<CustomFields>,
}

/// `PATCH|PUT /api/deals/{id}/edit`: only the fields sent change; `null` clears `close_date`;
/// a custom field set to `null` is removed.
#[derive(ToSchema)]
pub struct DealEdit {
    #[schema(max_length = 255)]
    pub title: Option<String>,
    pub amount: Option<Amount>,
    pub currency: Option<Currency>,
    pub close_date: Option<chrono::NaiveDate>,
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Value>,
}

/// `POST /api/deals/{id}/stage`
#[derive(ToSchema)]
pub struct StageMove {
    pub stage_id: u64,
    /// Another pipeline to move the deal to.
    pub pipeline_id: Option<u64>,
}

/// `POST /api/deals/{id}/contacts/add`: a `contact_id`, or a contact's fields (looked up by
/// email, created when new).
#[derive(ToSchema)]
pub struct ContactToAdd {
    pub contact_id: Option<u64>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
}

/// `POST /api/deals/{id}/notes/new`
#[derive(ToSchema)]
pub struct NewNote {
    #[schema(max_length = 10000)]
    pub text: String,
}

/// `POST /api/deals/{id}/tasks/new`
#[derive(ToSchema)]
pub struct NewTask {
    #[schema(max_length = 255)]
    pub title: String,
    pub due_date: Option<chrono::NaiveDate>,
}

/// `POST /api/contacts/new` and `PATCH /api/contacts/{id}/edit` (`email` required on creation;
/// `null` or `""` clears a name or company).
#[derive(ToSchema)]
pub struct ContactInput {
    #[schema(example = "jane@acme.com")]
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
}

/// A stage of [`PipelineInput`]; on edit, `id` names an existing stage.
#[derive(ToSchema)]
pub struct StageInput {
    pub id: Option<u64>,
    #[schema(max_length = 255)]
    pub name: Option<String>,
    #[schema(rename = "type")]
    pub kind: Option<StageType>,
    #[schema(minimum = 0, maximum = 100)]
    pub probability: Option<u8>,
}

/// `POST /api/pipelines/new` (`name` and one stage or more required) and
/// `PATCH|PUT /api/pipelines/{id}/edit`.
#[derive(ToSchema)]
pub struct PipelineInput {
    #[schema(max_length = 255)]
    pub name: Option<String>,
    pub stages: Option<Vec<StageInput>>,
}

/// `POST /api/sources/new` (`name` required) and `PATCH|PUT /api/sources/{id}/edit`.
#[derive(ToSchema)]
pub struct SourceInput {
    #[schema(max_length = 255, example = "Website form")]
    pub name: Option<String>,
    pub default_pipeline_id: Option<u64>,
    pub is_published: Option<bool>,
    pub signature: Option<domain::signature::SignatureScheme>,
    pub tolerance_seconds: Option<u32>,
    /// Each deal or contact field from the body by JSONPath (`$.a.b`) or template (`{{ a }}`).
    #[schema(value_type = Option<Object>)]
    pub mapping: Option<Value>,
    /// A known sender (`GET /api/sources/presets`).
    pub preset: Option<String>,
    /// A `whsec_…` secret to import (Standard Webhooks).
    pub secret: Option<String>,
}

/// `POST /api/sources/{id}/mapping/test`: a sample request to map without storing anything.
#[derive(ToSchema)]
pub struct MappingTest {
    /// The body as the sender would send it (an object, or its text).
    #[schema(value_type = Object)]
    pub body: Value,
    /// The headers the sender would send.
    #[schema(value_type = Option<Object>)]
    pub headers: Option<Value>,
    /// The query string the sender would send.
    pub query: Option<String>,
    /// A mapping to try instead of the stored one.
    #[schema(value_type = Option<Object>)]
    pub mapping: Option<Value>,
}

/// A hook as sent to `POST /api/hooks/new`, `PUT|PATCH /api/hooks/{id}/edit` and the batch
/// routes, as JSON or as Mautic's form (`triggers[0]=…`). `name`, `webhookUrl` and `triggers`
/// are required on creation; read-only fields of a GET's answer are ignored.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct HookInput {
    #[schema(example = "CRM sync")]
    pub name: Option<String>,
    pub description: Option<String>,
    #[schema(example = "https://crm.example.com/hooks/dealflow?key=abc")]
    pub webhook_url: Option<String>,
    pub secret: Option<String>,
    pub events_orderby_dir: Option<dispatcher::hooks::OrderDir>,
    /// Requests in flight at once, 1 to 64 (default 1): 1 keeps log order, more trade it for speed.
    #[schema(minimum = 1, maximum = 64)]
    pub max_in_flight: Option<u32>,
    /// Requests per second at most (1 to 10,000), or null for no limit.
    #[schema(minimum = 1, maximum = 10000)]
    pub rate_limit: Option<u32>,
    pub is_published: Option<bool>,
    pub publish_up: Option<String>,
    pub publish_down: Option<String>,
    /// A category id.
    pub category: Option<u64>,
    #[schema(example = json!(["dealflow.deal.created"]))]
    pub triggers: Option<Vec<String>>,
    pub payload_format: Option<dispatcher::hooks::PayloadFormat>,
    pub signature_format: Option<dispatcher::hooks::SignatureFormat>,
}

/// `POST /api/hooks/{id}/replay`: history from a log position or an instant.
#[derive(ToSchema)]
pub struct ReplayInput {
    pub from_position: Option<u64>,
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Event types (`deal.*` keeps a prefix).
    pub types: Option<Vec<String>>,
    /// Failed events to put back.
    pub event_ids: Option<Vec<String>>,
}

/// `PATCH /api/settings/webhooks`: any of the settings.
#[derive(ToSchema)]
pub struct SettingsInput {
    pub queue_mode: Option<dispatcher::delivery::QueueMode>,
    pub events_orderby_dir: Option<dispatcher::hooks::OrderDir>,
    pub batch_limit: Option<u32>,
    pub timeout: Option<u64>,
    pub log_max: Option<u32>,
    pub retry_schedule: Option<Vec<u64>>,
    pub dispatch_schedule: Option<String>,
}

/// `POST /api/categories/new`
#[derive(ToSchema)]
pub struct CategoryInput {
    pub title: String,
    pub alias: Option<String>,
    pub description: Option<String>,
    pub color: Option<String>,
    pub bundle: Option<String>,
}

/// `POST /api/users/new` and `PATCH /api/users/{id}/edit`.
#[derive(ToSchema)]
pub struct UserInput {
    pub username: Option<String>,
    pub name: Option<String>,
    /// `admin` or `analyst`.
    pub role: Option<String>,
    pub email: Option<String>,
    /// Generated and answered once when missing.
    pub password: Option<String>,
}

/// `POST /api/users/{id}/tokens/new`
#[derive(ToSchema)]
pub struct TokenInput {
    pub name: String,
}

/// An inbound webhook's payload (or what a source's mapping makes of the body).
#[derive(ToSchema)]
pub struct InboundPayload {
    #[schema(max_length = 255, example = "Acme Corp - Enterprise Plan")]
    pub title: Option<String>,
    pub amount: Option<Amount>,
    pub close_date: Option<chrono::NaiveDate>,
    pub currency: Option<Currency>,
    pub contact: Option<InboundContact>,
    pub custom_fields: Option<CustomFields>,
    #[schema(max_length = 255)]
    pub external_id: Option<String>,
    /// A stage id or name in the pipeline.
    #[schema(value_type = Option<String>)]
    pub stage: Option<Value>,
    pub pipeline_id: Option<u64>,
}

/// The contact of an [`InboundPayload`].
#[derive(ToSchema)]
pub struct InboundContact {
    #[schema(example = "jane@acme.com")]
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
}
