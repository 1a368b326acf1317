//! Schemas of Mautic's form bodies: the fields PHP's `http_build_query` writes, each value
//! text (`isPublished=1`), lists as bracketed keys (`triggers[0]=…&triggers[1]=…`). Separate
//! types from the JSON bodies, so generated clients tell the two encodings apart.

use dispatcher::hooks::triggers::TRIGGERS;
use serde_json::{Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{PartialSchema, ToSchema};

/// The form key of a hook's triggers: PHP's appending brackets, one pair per trigger.
pub const TRIGGERS_KEY: &str = "triggers[]";

const TRIGGERS_HELP: &str = "The hook's triggers, one `triggers[]=<name>` pair each (`triggers[0]=…&triggers[1]=…` \
    as PHP writes it works too); at least one when creating. A plain `triggers=<name>` is not a list: it is refused \
    with 422 `must be a list of trigger names`.";

/// A hook as Mautic's PHP client sends it (see `bodies::HookInput` for each field).
pub struct HookForm;

/// A category as a form (see `bodies::CategoryInput`).
pub struct CategoryForm;

const HOOK_FIELDS: &[&str] = &[
    "name",
    "description",
    "webhookUrl",
    "secret",
    "eventsOrderbyDir",
    "maxInFlight",
    "rateLimit",
    "isPublished",
    "publishUp",
    "publishDown",
    "category",
    "payloadFormat",
    "signatureFormat",
];

const CATEGORY_FIELDS: &[&str] = &["title", "alias", "description", "color", "bundle"];

fn text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::new(Type::String))
}

/// An object of text fields; other keys (`triggers[0]`) are text too.
fn form_of(fields: &[&str], description: &str) -> ObjectBuilder {
    fields
        .iter()
        .fold(ObjectBuilder::new().schema_type(SchemaType::new(Type::Object)), |object, field| {
            object.property(*field, text())
        })
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(text().into()))))
        .description(Some(description))
}

/// `triggers[]`: an array of trigger names.
fn trigger_names() -> ArrayBuilder {
    let names = TRIGGERS.iter().map(|trigger| trigger.name);
    ArrayBuilder::new().items(text().enum_values(Some(names))).min_items(Some(1)).description(Some(TRIGGERS_HELP))
}

impl PartialSchema for HookForm {
    fn schema() -> RefOr<Schema> {
        form_of(HOOK_FIELDS, "A hook as Mautic's PHP client sends it: `name=…&webhookUrl=…&triggers[]=…`.")
            .property(TRIGGERS_KEY, trigger_names())
            .into()
    }
}

impl ToSchema for HookForm {}

impl PartialSchema for CategoryForm {
    fn schema() -> RefOr<Schema> {
        form_of(CATEGORY_FIELDS, "A category as a form: `title=…&alias=…`.").into()
    }
}

impl ToSchema for CategoryForm {}

/// Says how each hook form body encodes `triggers[]`: one `triggers[]=<name>` pair per item.
pub fn encode_triggers(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    let operations = paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut());
    for operation in operations {
        let Some(form) = operation.pointer_mut("/requestBody/content/application~1x-www-form-urlencoded") else {
            continue;
        };
        if form.pointer("/schema/$ref").and_then(Value::as_str) == Some("#/components/schemas/HookForm") {
            form["encoding"] = json!({ TRIGGERS_KEY: {"style": "form", "explode": true} });
        }
    }
}
