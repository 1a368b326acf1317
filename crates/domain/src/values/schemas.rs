//! OpenAPI schemas of the value types whose JSON is written by hand (`impl Serialize`), so the
//! API document describes exactly what they serialise to.

use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, schema::OneOfBuilder};
use utoipa::{PartialSchema, ToSchema};

use super::{Amount, Currency, CustomFields};

impl PartialSchema for Amount {
    /// A JSON number ≥ 0 with at most four decimal places, written from its exact text.
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::Number))
            .minimum(Some(0))
            .description(Some("An exact decimal ≥ 0 with at most 4 decimal places, as a JSON number."))
            .examples([serde_json::json!(15000)])
            .into()
    }
}

impl ToSchema for Amount {}

impl PartialSchema for Currency {
    /// An ISO 4217 code.
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .pattern(Some("^[A-Z]{3}$"))
            .description(Some("An active ISO 4217 currency code."))
            .examples([serde_json::json!("USD")])
            .into()
    }
}

impl ToSchema for Currency {}

impl PartialSchema for CustomFields {
    /// An object of names to scalar values.
    fn schema() -> RefOr<Schema> {
        let scalar = OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(SchemaType::new(Type::String)))
            .item(ObjectBuilder::new().schema_type(SchemaType::new(Type::Number)))
            .item(ObjectBuilder::new().schema_type(SchemaType::new(Type::Boolean)));
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::Object))
            .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(scalar.into()))))
            .description(Some("Custom fields: names mapped to scalar values."))
            .examples([serde_json::json!({"plan": "enterprise"})])
            .into()
    }
}

impl ToSchema for CustomFields {}

impl PartialSchema for crate::signature::SignatureScheme {
    /// The scheme's name as settings and the API spell it.
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .enum_values(Some(Self::NAMES))
            .description(Some("How an inbound source's requests are signed."))
            .into()
    }
}

impl ToSchema for crate::signature::SignatureScheme {}
