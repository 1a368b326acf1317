//! Schemas of Mautic's form bodies: the fields PHP's `http_build_query` writes, each value
//! text (`isPublished=1`), lists as bracketed keys (`triggers[0]=…&triggers[1]=…`). Separate
//! types from the JSON bodies, so generated clients tell the two encodings apart.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{PartialSchema, ToSchema};

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
    "isPublished",
    "publishUp",
    "publishDown",
    "category",
    "payloadFormat",
    "signatureFormat",
];

const CATEGORY_FIELDS: &[&str] = &["title", "alias", "description", "color", "bundle"];

/// An object of text fields; other keys (`triggers[0]`) are text too.
fn form_of(fields: &[&str], description: &str) -> RefOr<Schema> {
    let text = || ObjectBuilder::new().schema_type(SchemaType::new(Type::String));
    let object =
        fields.iter().fold(ObjectBuilder::new().schema_type(SchemaType::new(Type::Object)), |object, field| {
            object.property(*field, text())
        });
    object
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(text().into()))))
        .description(Some(description))
        .into()
}

impl PartialSchema for HookForm {
    fn schema() -> RefOr<Schema> {
        form_of(HOOK_FIELDS, "A hook as Mautic's PHP client sends it: `name=…&webhookUrl=…&triggers[0]=…`.")
    }
}

impl ToSchema for HookForm {}

impl PartialSchema for CategoryForm {
    fn schema() -> RefOr<Schema> {
        form_of(CATEGORY_FIELDS, "A category as a form: `title=…&alias=…`.")
    }
}

impl ToSchema for CategoryForm {}
