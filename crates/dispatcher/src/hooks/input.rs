//! A hook's fields as written by a client (Mautic's names). Read-only fields (`id`, dates,
//! `createdBy`…, `health`) are ignored, so a PATCH may carry the whole object a GET returned.

use api::Fields;
use api::limits::{IdText, out_of_range};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use domain::values::FieldErrors;
use serde_json::{Map, Value};

use super::model::{OrderDir, PayloadFormat, SignatureFormat};
use super::pace::{MaxInFlight, RateLimit};
use super::triggers;
use crate::targets::TargetPolicy;

/// The fields a GET shows that no client sets (SPEC §7: "A PATCH may carry the whole object a
/// GET returned: read-only fields are ignored"), with the ones Mautic itself shows.
pub const READ_ONLY: &[&str] = &[
    "id",
    "dateAdded",
    "dateModified",
    "createdBy",
    "createdByUser",
    "modifiedBy",
    "modifiedByUser",
    "checkedOut",
    "checkedOutBy",
    "checkedOutByUser",
    "health",
    "unpublishedReason",
];

/// What a request sets; `None` leaves a field as it is (or at its default when creating).
#[derive(Clone, Debug, Default)]
pub struct HookInput {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub webhook_url: Option<String>,
    /// `Some(None)` asks for a generated secret.
    pub secret: Option<Option<String>>,
    pub events_orderby_dir: Option<Option<OrderDir>>,
    pub is_published: Option<bool>,
    pub publish_up: Option<Option<DateTime<Utc>>>,
    pub publish_down: Option<Option<DateTime<Utc>>>,
    pub category: Option<Option<u64>>,
    pub triggers: Option<Vec<String>>,
    pub payload_format: Option<PayloadFormat>,
    pub signature_format: Option<SignatureFormat>,
    pub max_in_flight: Option<MaxInFlight>,
    /// `Some(None)` lifts the limit.
    pub rate_limit: Option<Option<RateLimit>>,
}

impl HookInput {
    /// Parses a request body's fields; every problem is reported, by Mautic's field name.
    pub fn parse(map: &Map<String, Value>, targets: &TargetPolicy) -> Result<Self, FieldErrors> {
        let mut fields = Fields::new(map);
        let input = Self {
            name: fields.optional_text("name", 255).map(|t| t.into_string()),
            description: fields.clearable_text("description", 65_535),
            webhook_url: webhook_url(&mut fields, targets),
            secret: fields.clearable_text("secret", 255),
            events_orderby_dir: order_dir(&mut fields),
            is_published: fields.boolean("isPublished"),
            publish_up: date_time(&mut fields, "publishUp"),
            publish_down: date_time(&mut fields, "publishDown"),
            category: category(&mut fields),
            triggers: trigger_list(&mut fields),
            payload_format: named(&mut fields, "payloadFormat", PayloadFormat::parse, "mautic or slack"),
            signature_format: named(&mut fields, "signatureFormat", SignatureFormat::parse, "mautic or standard"),
            max_in_flight: count(&mut fields, "maxInFlight", MaxInFlight::new).map(|count| count.unwrap_or_default()),
            rate_limit: count(&mut fields, "rateLimit", RateLimit::new),
        };
        fields.ignore(READ_ONLY);
        fields.refuse_unknown();
        let errors = fields.into_errors();
        if errors.is_empty() { Ok(input) } else { Err(errors) }
    }

    /// Parses a body that must be a whole hook (a creation, or a PUT, which replaces
    /// everything): the missing required fields are reported with the bad ones, all at once.
    pub fn parse_whole(map: &Map<String, Value>, targets: &TargetPolicy) -> Result<Self, FieldErrors> {
        match Self::parse(map, targets) {
            Ok(input) => input.require_complete().map(|()| input),
            Err(mut errors) => {
                let bad: Vec<String> = errors.fields().map(str::to_owned).collect();
                for (field, message) in REQUIRED {
                    let absent = map.get(*field).is_none_or(Value::is_null);
                    if absent && !bad.iter().any(|b| b == field) {
                        errors.add(*field, *message);
                    }
                }
                Err(errors)
            }
        }
    }

    /// Checks that a creation (or a PUT, which replaces everything) names the required fields.
    pub fn require_complete(&self) -> Result<(), FieldErrors> {
        let given = [self.name.is_some(), self.webhook_url.is_some(), self.triggers.is_some()];
        let mut errors = FieldErrors::new();
        for ((field, message), given) in REQUIRED.iter().zip(given) {
            if !given {
                errors.add(*field, *message);
            }
        }
        errors.into_result(|| ())
    }
}

/// The fields a whole hook needs, and what is said when one is missing.
const REQUIRED: &[(&str, &str)] = &[
    ("name", "is required"),
    ("webhookUrl", "is required"),
    ("triggers", "is required: list at least one trigger (see GET /api/hooks/triggers)"),
];

fn webhook_url(fields: &mut Fields<'_>, targets: &TargetPolicy) -> Option<String> {
    // Checked as sent: trimming would hide a trailing CR/LF.
    let raw = fields.value("webhookUrl").and_then(Value::as_str).unwrap_or_default().to_owned();
    let url = fields.optional_text("webhookUrl", 2048)?.into_string();
    let checked = targets.check_url(&raw);
    // Kept verbatim (query string included): receivers may authenticate with it.
    fields.check("webhookUrl", checked).map(|_| url)
}

fn order_dir(fields: &mut Fields<'_>) -> Option<Option<OrderDir>> {
    match fields.clearable_text("eventsOrderbyDir", 10)? {
        None => Some(None),
        Some(text) => {
            let parsed = OrderDir::parse(&text).ok_or("must be ASC, DESC or null");
            fields.check("eventsOrderbyDir", parsed).map(Some)
        }
    }
}

fn date_time(fields: &mut Fields<'_>, name: &str) -> Option<Option<DateTime<Utc>>> {
    let text = fields.clearable_text(name, 64)?;
    let Some(text) = text else { return Some(None) };
    let parsed = DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S").map(|t| t.and_utc()))
        .or_else(|_| {
            NaiveDate::parse_from_str(&text, "%Y-%m-%d").map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        })
        .map_err(|_| "must be a date-time such as 2026-03-25T14:30:00+00:00 or 2026-03-25 14:30:00");
    fields.check(name, parsed).map(Some)
}

/// A category id, a numeric string, the object a GET returned (its `id`), or `null`.
fn category(fields: &mut Fields<'_>) -> Option<Option<u64>> {
    if !fields.has("category") {
        return None;
    }
    let id = match fields.value("category") {
        None => return Some(None),
        Some(Value::Object(object)) => object.get("id").cloned().unwrap_or(Value::Null),
        Some(other) => other.clone(),
    };
    let text = match &id {
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.trim().is_empty() => return Some(None),
        Value::String(s) => s.trim().to_owned(),
        _ => String::new(),
    };
    let parsed = match IdText::of(&text) {
        IdText::Id(id) => Ok(id),
        IdText::OutOfRange => Err(out_of_range(&text)),
        IdText::NotANumber => Err("must be a category id".to_owned()),
    };
    fields.check("category", parsed).map(Some)
}

/// Known trigger names, in the order given, each once. PHP clients sometimes send an array as an
/// object keyed by index; its values are taken in key order.
fn trigger_list(fields: &mut Fields<'_>) -> Option<Vec<String>> {
    let value = fields.value("triggers")?;
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        _ => {
            // A lone `triggers=x` is not a list: say how to send one instead of "none listed".
            fields.error("triggers", "must be a list of trigger names: a JSON array, or triggers[]=… in a form");
            return None;
        }
    };
    let mut names = Vec::new();
    for item in items {
        match item.as_str().map(str::trim) {
            Some(name) if triggers::find(name).is_some() => {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_owned());
                }
            }
            Some(name) => fields.error("triggers", format!("{name:?} is not a trigger (see GET /api/hooks/triggers)")),
            None => fields.error("triggers", "must be trigger names"),
        }
    }
    if names.is_empty() {
        fields.error("triggers", "must list at least one trigger");
        return None;
    }
    Some(names)
}

/// A whole number (a JSON number or a numeric string, as a form sends it) checked by `new`;
/// `null` or an empty string clears it (`Some(None)`).
fn count<T>(fields: &mut Fields<'_>, name: &str, new: fn(u64) -> Result<T, String>) -> Option<Option<T>> {
    if !fields.has(name) {
        return None;
    }
    let text = match fields.value(name) {
        None | Some(Value::Null) => return Some(None),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if s.trim().is_empty() => return Some(None),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(_) => String::new(),
    };
    // Not a whole number (`-1`, `2.5`, `eight`) is out of range too: `new` words the range.
    let parsed = new(text.parse::<u64>().unwrap_or(u64::MAX));
    fields.check(name, parsed).map(Some)
}

fn named<T>(fields: &mut Fields<'_>, name: &str, parse: fn(&str) -> Option<T>, expected: &str) -> Option<T> {
    let text = fields.optional_text(name, 32)?.into_string();
    let parsed = parse(&text).ok_or_else(|| format!("must be {expected}"));
    fields.check(name, parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Result<HookInput, Vec<String>> {
        let Value::Object(map) = value else { panic!("object") };
        HookInput::parse(&map, &TargetPolicy { allow_private: true })
            .map_err(|e| e.fields().map(str::to_owned).collect())
    }

    #[test]
    fn triggers_keep_their_order_and_unknown_ones_are_refused() {
        let input =
            parse(json!({ "triggers": ["dealflow.deal.won", "mautic.lead_post_save_new", "dealflow.deal.won"] }))
                .unwrap();
        assert_eq!(input.triggers.unwrap(), ["dealflow.deal.won", "mautic.lead_post_save_new"]);
        assert_eq!(parse(json!({ "triggers": ["deal.exploded"] })).unwrap_err(), ["triggers"]);
        assert_eq!(parse(json!({ "triggers": [] })).unwrap_err(), ["triggers"]);
    }

    #[test]
    fn a_lone_trigger_name_is_refused_saying_how_to_send_a_list() {
        for lone in [json!("dealflow.deal.won"), json!(7), json!(true)] {
            let Value::Object(map) = json!({ "triggers": lone }) else { unreachable!() };
            let errors = HookInput::parse(&map, &TargetPolicy { allow_private: true }).unwrap_err();
            let message = errors.to_string();
            assert!(
                message.starts_with("triggers: must be a list") && message.contains("triggers[]="),
                "{lone}: {message}"
            );
        }
    }

    #[test]
    fn order_direction_is_asc_desc_or_null() {
        assert_eq!(
            parse(json!({ "eventsOrderbyDir": "desc" })).unwrap().events_orderby_dir,
            Some(Some(OrderDir::Desc))
        );
        assert_eq!(parse(json!({ "eventsOrderbyDir": null })).unwrap().events_orderby_dir, Some(None));
        assert_eq!(parse(json!({ "eventsOrderbyDir": "abrakadabra" })).unwrap_err(), ["eventsOrderbyDir"]);
    }

    #[test]
    fn max_in_flight_and_rate_limit_take_numbers_or_numeric_strings_in_range() {
        let input = parse(json!({ "maxInFlight": "8", "rateLimit": 50 })).unwrap();
        assert_eq!(input.max_in_flight.map(MaxInFlight::get), Some(8));
        assert_eq!(input.rate_limit.flatten().map(|r| r.per_second().get()), Some(50));
        let cleared = parse(json!({ "maxInFlight": "", "rateLimit": null })).unwrap();
        assert_eq!((cleared.max_in_flight, cleared.rate_limit), (Some(MaxInFlight::ORDERED), Some(None)));
        let bad = parse(json!({ "maxInFlight": 65, "rateLimit": "fast" })).unwrap_err();
        assert_eq!(bad, ["maxInFlight", "rateLimit"]);
        assert_eq!(parse(json!({ "maxInFlight": 0 })).unwrap_err(), ["maxInFlight"]);
    }

    #[test]
    fn the_object_a_get_returned_parses_with_read_only_fields_ignored() {
        let input =
            parse(json!({ "id": 3, "dateAdded": "2026-02-24T04:21:16+00:00", "createdByUser": "x", "health": {},
            "category": { "id": 2, "title": "Important" }, "publishUp": null, "name": "n" }))
            .unwrap();
        assert_eq!(input.category, Some(Some(2)));
        assert_eq!(input.publish_up, Some(None));
        assert_eq!(input.name.as_deref(), Some("n"));
    }

    #[test]
    fn a_url_with_control_characters_or_a_category_out_of_range_is_refused() {
        for url in ["https://a.example.com/in\r\n", "https://a.example.com/\nX: 1", "\thttps://a.example.com/"] {
            assert_eq!(parse(json!({ "webhookUrl": url })).unwrap_err(), ["webhookUrl"], "{url:?}");
        }
        assert_eq!(parse(json!({ "category": 9_223_372_036_854_775_808_u64 })).unwrap_err(), ["category"]);
        assert_eq!(parse(json!({ "category": "18446744073709551615" })).unwrap_err(), ["category"]);
    }

    #[test]
    fn a_creation_needs_name_url_and_triggers() {
        let input = parse(json!({ "description": "only this" })).unwrap();
        let missing: Vec<String> = input.require_complete().unwrap_err().fields().map(str::to_owned).collect();
        assert_eq!(missing, ["name", "triggers", "webhookUrl"]);
    }

    #[test]
    fn given_a_bad_url_and_missing_fields_when_parsing_a_whole_hook_then_all_are_reported_at_once() {
        let body = json!({ "webhookUrl": "not a url" });
        let errors = HookInput::parse_whole(body.as_object().unwrap(), &TargetPolicy { allow_private: true });
        let fields: Vec<String> = errors.unwrap_err().fields().map(str::to_owned).collect();
        assert_eq!(fields, ["name", "triggers", "webhookUrl"]);
    }
}
