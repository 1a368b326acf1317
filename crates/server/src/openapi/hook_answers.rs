//! Schemas of the hooks API's answers (Mautic's shapes) and of the delivery extras, built with
//! `serde_json::json!` in `dispatcher::hooks` and `dispatcher::delivery::routes`: each struct
//! mirrors one literal and wraps the real types. They are never constructed.

#![allow(dead_code)]

use std::collections::BTreeMap;

use dispatcher::delivery::DeliverySettings;
use dispatcher::delivery::attempts::LogEntry;
use dispatcher::delivery::replay::Replayed;
use dispatcher::hooks::model::{Category, HookView};
use serde_json::Value;
use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use super::answers::ErrorItem;

/// `{"hook": …}`
#[derive(ToSchema)]
pub struct HookAnswer<'a> {
    pub hook: HookView<'a>,
}

/// `{"total": n, "hooks": {"<id>": hook, …}}`: Mautic's id-keyed object, in query order.
#[derive(ToSchema)]
pub struct HookList<'a> {
    pub total: u64,
    pub hooks: BTreeMap<String, HookView<'a>>,
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
    pub errors: Option<BTreeMap<String, ErrorItem>>,
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
    pub triggers: BTreeMap<String, TriggerInfo>,
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
