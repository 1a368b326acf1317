//! The outbound webhook bodies of each trigger that fires (SPEC §7), as OpenAPI 3.1
//! `webhooks`. utoipa's `OpenApi` has no `webhooks` field, so [`webhooks`] builds the path items
//! with utoipa and [`super::document`] puts them at the top of the JSON. The item structs mirror
//! `dispatcher::delivery::payload`'s private `DealItem`/`ContactItem` over the same domain types.

#![allow(dead_code)]

use std::collections::BTreeMap;

use dispatcher::hooks::triggers::TRIGGERS;
use domain::deal::{Note, Task};
use domain::events::{ContactSnapshot, DealStatus, PipelineRef, StageRef};
use domain::metadata::Actor;
use domain::values::{Amount, Currency, CustomFields};
use utoipa::ToSchema;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder};
use utoipa::openapi::{ContentBuilder, Ref, Required};

#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(DealItem, ContactItem, SlackMessage)))]
pub struct Doc;

/// The deal as an item shows it.
#[derive(ToSchema)]
pub struct DealSummary {
    pub id: u64,
    pub title: String,
    pub amount: Amount,
    pub currency: Currency,
    pub close_date: Option<chrono::NaiveDate>,
    pub status: DealStatus,
    pub stage: StageRef,
    pub pipeline: PipelineRef,
    pub custom_fields: CustomFields,
    pub external_id: Option<String>,
}

/// Which hook, event, API version and request an item belongs to.
#[derive(ToSchema)]
pub struct EventInfo {
    pub webhook_id: u64,
    pub event_id: uuid::Uuid,
    pub api_version: String,
    pub request_id: Option<String>,
    /// True in a test send.
    pub test: bool,
}

/// An item of a `dealflow.deal.*` trigger.
#[derive(ToSchema)]
pub struct DealItem {
    #[schema(example = "dealflow.deal.stage_changed")]
    pub event: String,
    pub timestamp: chrono::DateTime<chrono::Utc>,
    pub deal: DealSummary,
    /// On stage_changed, won and lost items; null when the deal was created in its stage.
    pub previous_stage: Option<StageRef>,
    /// On updated items: field → `{old, new}`.
    #[schema(value_type = Option<Object>, nullable = false, required = false)]
    pub changes: Option<serde_json::Value>,
    #[schema(nullable = false, required = false)]
    pub contact: Option<ContactSnapshot>,
    #[schema(nullable = false, required = false)]
    pub note: Option<Note>,
    #[schema(nullable = false, required = false)]
    pub task: Option<Task>,
    pub changed_by: Actor,
    pub event_info: EventInfo,
}

/// An item of Mautic's contact triggers: Mautic's own contact object.
#[derive(ToSchema)]
pub struct ContactItem {
    /// Mautic's contact: `id`, `isPublished`, …, `fields` grouped `core`/`social`/`personal`/
    /// `professional` plus `fields.all`.
    #[schema(value_type = Object)]
    pub contact: serde_json::Value,
    pub timestamp: chrono::DateTime<chrono::Utc>,
    #[schema(value_type = Option<Object>, nullable = false, required = false)]
    pub changes: Option<serde_json::Value>,
    pub event_info: EventInfo,
}

/// The body of a hook whose `payloadFormat` is `slack`.
#[derive(ToSchema)]
pub struct SlackMessage {
    #[schema(example = "Deal *Acme Corp - Enterprise Plan* won — 15,000 USD")]
    pub text: String,
}

/// One path item per trigger that fires: a POST whose body groups items by trigger.
pub fn webhooks() -> BTreeMap<String, PathItem> {
    TRIGGERS
        .iter()
        .filter(|trigger| !trigger.description.contains("never fires"))
        .map(|trigger| {
            let item = if trigger.name.starts_with("dealflow.") { "DealItem" } else { "ContactItem" };
            (
                trigger.name.to_owned(),
                PathItem::new(HttpMethod::Post, operation(trigger.name, trigger.description, item)),
            )
        })
        .collect()
}

fn operation(name: &str, description: &str, item: &str) -> utoipa::openapi::path::Operation {
    let grouped = ObjectBuilder::new()
        .property(name, ArrayBuilder::new().items(Ref::from_schema_name(item)))
        .required(name)
        .description(Some("Events grouped by trigger, each group in the hook's order"));
    let body = OneOfBuilder::new().item(grouped).item(Ref::from_schema_name("SlackMessage"));
    let request = RequestBodyBuilder::new()
        .content("application/json", ContentBuilder::new().schema(Some(body)).build())
        .required(Some(Required::True));
    let mut operation = OperationBuilder::new()
        .operation_id(Some(name.replace('.', "_")))
        .summary(Some(description))
        .request_body(Some(request.build()))
        .response("2XX", ResponseBuilder::new().description("Delivered; anything else is retried (410 unpublishes)"));
    for (header, meaning) in HEADERS {
        let parameter = ParameterBuilder::new()
            .name(*header)
            .parameter_in(ParameterIn::Header)
            .description(Some(*meaning))
            .schema(Some(ObjectBuilder::new().schema_type(utoipa::openapi::Type::String)));
        operation = operation.parameter(parameter);
    }
    operation.build()
}

const HEADERS: &[(&str, &str)] = &[
    ("webhook-id", "Stable across retries of the same delivery"),
    ("webhook-timestamp", "Unix seconds"),
    (
        "Webhook-Signature",
        "`mautic` hooks: base64(HMAC-SHA256(secret, body)); `standard` hooks: `v1,<base64 HMAC-SHA256 over \"{webhook-id}.{webhook-timestamp}.{body}\">`",
    ),
    ("X-Origin-Base-URL", "dealflow's public URL"),
];
