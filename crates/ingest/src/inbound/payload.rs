//! The inbound payload, parsed field by field: every problem is reported at once.

use api::Fields;
use chrono::NaiveDate;
use domain::contact::NewContact;
use domain::ids::PipelineId;
use domain::values::{Amount, Currency, CustomFieldsPatch, FieldErrors, Title};
use serde_json::{Map, Value};

use crate::input;

/// What an inbound request asks for. Absent fields are `None`: on an update they stay as they are.
#[derive(Clone, Debug, Default)]
pub struct InboundPayload {
    pub title: Option<Title>,
    pub amount: Option<Amount>,
    /// `Some(None)` clears the close date.
    pub close_date: Option<Option<NaiveDate>>,
    pub currency: Option<Currency>,
    pub custom_fields: Option<CustomFieldsPatch>,
    pub contact: Option<NewContact>,
    pub external_id: Option<String>,
    /// A stage id or name within the pipeline.
    pub stage: Option<String>,
    pub pipeline_id: Option<PipelineId>,
}

impl InboundPayload {
    /// Parses a JSON object; answers what parsed and every problem found. A missing title is
    /// not reported here: only creations need one, and that is known once the deal is looked up.
    pub fn parse(map: &Map<String, Value>) -> (Self, FieldErrors) {
        let mut fields = Fields::new(map);
        let payload = Self {
            title: input::title(&mut fields, false),
            amount: input::amount(&mut fields),
            close_date: input::clearable_date(&mut fields, "close_date"),
            currency: input::currency(&mut fields),
            custom_fields: input::custom_fields(&mut fields),
            contact: contact(&mut fields),
            external_id: input::identifier(&mut fields, "external_id"),
            stage: input::identifier(&mut fields, "stage"),
            pipeline_id: fields.id("pipeline_id"),
        };
        (payload, fields.into_errors())
    }
}

fn contact(fields: &mut Fields<'_>) -> Option<NewContact> {
    let value = fields.value("contact")?;
    let Value::Object(map) = value else {
        fields.error("contact", "must be an object with at least an email");
        return None;
    };
    let mut contact = Fields::new(map);
    let parsed = input::new_contact(&mut contact);
    let errors = contact.into_errors();
    if errors.is_empty() {
        return parsed;
    }
    fields.nested("contact", errors);
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> (InboundPayload, Vec<String>) {
        let Value::Object(map) = value else { panic!("an object") };
        let (payload, errors) = InboundPayload::parse(&map);
        (payload, errors.fields().map(str::to_owned).collect())
    }

    #[test]
    fn the_spec_example_parses_without_errors() {
        let (payload, errors) = parse(json!({
            "title": "Acme Corp - Enterprise Plan", "amount": 15000, "close_date": "2026-06-30",
            "contact": {"email": "jane@acme.com", "first_name": "Jane", "last_name": "Doe", "company": "Acme Corp"},
            "custom_fields": {"source_system": "typeform", "form_id": "abc123"}
        }));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(payload.amount.unwrap().to_string(), "15000");
        assert_eq!(payload.contact.unwrap().email.as_str(), "jane@acme.com");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let (_, errors) = parse(json!({
            "title": "x".repeat(256), "amount": -5, "close_date": "30.06.2026", "currency": "EURO",
            "contact": {"first_name": "Jane"}, "custom_fields": {"nested": {"a": 1}}, "pipeline_id": "abc"
        }));
        assert_eq!(
            errors,
            ["amount", "close_date", "contact.email", "currency", "custom_fields.nested", "pipeline_id", "title"]
        );
    }

    #[test]
    fn numeric_external_ids_and_stage_ids_are_read_as_text() {
        let (payload, errors) = parse(json!({"external_id": 991, "stage": 7}));
        assert!(errors.is_empty());
        assert_eq!((payload.external_id.as_deref(), payload.stage.as_deref()), (Some("991"), Some("7")));
    }
}
