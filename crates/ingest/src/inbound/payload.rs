//! The inbound payload, parsed field by field: every problem is reported at once.

use api::Fields;
use chrono::NaiveDate;
use domain::contact::NewContact;
use domain::ids::PipelineId;
use domain::values::{Amount, Currency, CustomFieldsPatch, Email, FieldErrors, Title, parse_date};
use serde_json::{Map, Value};

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

const MAX_TEXT: usize = 255;

impl InboundPayload {
    /// Parses a JSON object; answers what parsed and every problem found.
    pub fn parse(map: &Map<String, Value>) -> (Self, FieldErrors) {
        let mut fields = Fields::new(map);
        let payload = Self {
            title: title(&mut fields),
            amount: fields.value("amount").and_then(|v| {
                let parsed = Amount::from_json(v);
                fields.check("amount", parsed)
            }),
            close_date: close_date(&mut fields),
            currency: fields.optional_text("currency", 3).and_then(|c| {
                let parsed = Currency::parse(&c.into_string());
                fields.check("currency", parsed)
            }),
            custom_fields: fields.value("custom_fields").and_then(|v| match CustomFieldsPatch::parse(v) {
                Ok(patch) => Some(patch),
                Err(errors) => {
                    fields.adopt(errors);
                    None
                }
            }),
            contact: contact(&mut fields),
            external_id: scalar_text(&mut fields, "external_id"),
            stage: scalar_text(&mut fields, "stage"),
            pipeline_id: fields.id("pipeline_id"),
        };
        (payload, fields.into_errors())
    }
}

fn title(fields: &mut Fields<'_>) -> Option<Title> {
    match fields.value("title")? {
        Value::String(text) => {
            let parsed = Title::parse(text);
            fields.check("title", parsed)
        }
        _ => {
            fields.error("title", "must be a string");
            None
        }
    }
}

fn close_date(fields: &mut Fields<'_>) -> Option<Option<NaiveDate>> {
    match fields.clearable_text("close_date", MAX_TEXT)? {
        Some(text) => {
            let parsed = parse_date(&text);
            fields.check("close_date", parsed).map(Some)
        }
        None => Some(None),
    }
}

/// A text or a number given as an identifier (senders often use numeric ids).
fn scalar_text(fields: &mut Fields<'_>, name: &str) -> Option<String> {
    match fields.value(name)? {
        Value::Number(number) => Some(number.to_string()),
        Value::String(_) => fields.optional_text(name, MAX_TEXT).map(|t| t.into_string()),
        _ => {
            fields.error(name, "must be a string or a number");
            None
        }
    }
}

fn contact(fields: &mut Fields<'_>) -> Option<NewContact> {
    let value = fields.value("contact")?;
    let Value::Object(map) = value else {
        fields.error("contact", "must be an object with at least an email");
        return None;
    };
    let mut contact = Fields::new(map);
    let email = match contact.value("email") {
        None => {
            contact.error("email", "is required when a contact is given");
            None
        }
        Some(Value::String(text)) => {
            let parsed = Email::parse(text);
            contact.check("email", parsed)
        }
        Some(_) => {
            contact.error("email", "must be a string");
            None
        }
    };
    let first_name = contact.optional_text("first_name", MAX_TEXT).map(|t| t.into_string());
    let last_name = contact.optional_text("last_name", MAX_TEXT).map(|t| t.into_string());
    let company = contact.optional_text("company", MAX_TEXT).map(|t| t.into_string());
    let errors = contact.into_errors();
    if !errors.is_empty() {
        fields.nested("contact", errors);
        return None;
    }
    Some(NewContact { email: email?, first_name, last_name, company })
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
