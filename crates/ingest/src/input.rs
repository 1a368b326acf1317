//! Reading command input fields into domain values, shared by the inbound payload and the admin
//! commands; every problem is recorded by field name.

use api::Fields;
use chrono::NaiveDate;
use domain::contact::NewContact;
use domain::values::{Amount, Currency, CustomFieldsPatch, Email, Title, parse_date};
use serde_json::Value;

/// Longest names, company names and external ids.
pub const MAX_TEXT: usize = 255;

/// A deal title (absent is `None`; `required` records its absence).
pub fn title(fields: &mut Fields<'_>, required: bool) -> Option<Title> {
    fields.string("title", required, Title::parse)
}

/// An amount: a JSON number or numeric string, exact.
pub fn amount(fields: &mut Fields<'_>) -> Option<Amount> {
    let value = fields.value("amount")?;
    let parsed = Amount::from_json(value);
    fields.check("amount", parsed)
}

/// An ISO 4217 currency code.
pub fn currency(fields: &mut Fields<'_>) -> Option<Currency> {
    let code = fields.optional_text("currency", 3)?;
    let parsed = Currency::parse(&code.into_string());
    fields.check("currency", parsed)
}

/// A `YYYY-MM-DD` date that may be cleared: absent is `None`, `null` is `Some(None)`.
pub fn clearable_date(fields: &mut Fields<'_>, name: &str) -> Option<Option<NaiveDate>> {
    match fields.clearable_text(name, MAX_TEXT)? {
        Some(text) => {
            let parsed = parse_date(&text);
            fields.check(name, parsed).map(Some)
        }
        None => Some(None),
    }
}

/// Custom fields as a patch of scalar values.
pub fn custom_fields(fields: &mut Fields<'_>) -> Option<CustomFieldsPatch> {
    let value = fields.value("custom_fields")?;
    match CustomFieldsPatch::parse(value) {
        Ok(patch) => Some(patch),
        Err(errors) => {
            fields.adopt(errors);
            None
        }
    }
}

/// A text or a number given as an identifier (senders often use numeric ids).
pub fn identifier(fields: &mut Fields<'_>, name: &str) -> Option<String> {
    match fields.value(name)? {
        Value::Number(number) => Some(number.to_string()),
        Value::String(_) => fields.optional_text(name, MAX_TEXT).map(|t| t.into_string()),
        _ => {
            fields.error(name, "must be a string or a number");
            None
        }
    }
}

/// A contact's fields in an object: `email` required, names and company optional.
pub fn new_contact(fields: &mut Fields<'_>) -> Option<NewContact> {
    let email = fields.string("email", true, Email::parse);
    let first_name = fields.optional_text("first_name", MAX_TEXT).map(|t| t.into_string());
    let last_name = fields.optional_text("last_name", MAX_TEXT).map(|t| t.into_string());
    let company = fields.optional_text("company", MAX_TEXT).map(|t| t.into_string());
    Some(NewContact { email: email?, first_name, last_name, company })
}
