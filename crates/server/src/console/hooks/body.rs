//! The hook form as the API reads it: the posted fields become the JSON body that
//! `POST /api/hooks/new` and `PATCH /api/hooks/{id}/edit` take (Mautic's field names), so the
//! API's parser judges them and its words name what is wrong. Also the form's events, grouped.

use dispatcher::hooks::triggers::{TRIGGERS, Trigger};
use serde_json::{Map, Value, json};

use crate::console::forms::Posted;

/// The text fields of the form, by their API names.
const TEXTS: &[&str] = &["name", "webhookUrl", "description", "secret", "maxInFlight", "rateLimit"];
/// The choice fields; an empty order means "the settings' order" (`null`).
const CHOICES: &[&str] = &["eventsOrderbyDir", "payloadFormat", "signatureFormat"];

/// The API body for the posted form. Creating, empty fields are left out (the API then asks for
/// the required ones, or picks its default: a generated secret). Editing, every field is sent:
/// an emptied description, order or secret becomes `null` (cleared; a new secret generated),
/// and an emptied name or URL is sent empty for the API to refuse.
pub fn hook_body(posted: &Posted, creating: bool) -> Map<String, Value> {
    let mut body = Map::new();
    for name in TEXTS.iter().chain(CHOICES) {
        match posted.raw(name) {
            Some(value) if !value.is_empty() => {
                body.insert((*name).into(), Value::String(value.to_owned()));
            }
            Some(_) if !creating => {
                let cleared = if matches!(*name, "name" | "webhookUrl") { json!("") } else { Value::Null };
                body.insert((*name).into(), cleared);
            }
            _ => {}
        }
    }
    let triggers = posted.all("triggers");
    if !triggers.is_empty() || !creating {
        body.insert("triggers".into(), json!(triggers));
    }
    body.insert("isPublished".into(), Value::Bool(posted.get("isPublished").is_some()));
    body
}

/// The values to show again in a form that was refused: the fields as posted.
pub fn posted_values(posted: &Posted) -> Value {
    let mut values = Map::new();
    for name in TEXTS.iter().chain(CHOICES) {
        values.insert((*name).into(), json!(posted.raw(name).unwrap_or_default()));
    }
    values.insert("triggers".into(), json!(posted.all("triggers")));
    values.insert("isPublished".into(), json!(posted.get("isPublished").is_some()));
    Value::Object(values)
}

/// The events to tick, grouped as the trigger list orders them (dealflow's deal events, then
/// Mautic's, accepted for compatibility), each with its label and description and whether
/// `checked` names it.
pub fn trigger_groups(checked: &[String]) -> Value {
    let group = |title: &str, prefix: &str| {
        let triggers: Vec<Value> = TRIGGERS
            .iter()
            .filter(|t| t.name.starts_with(prefix))
            .map(|t: &Trigger| {
                json!({ "name": t.name, "label": t.label, "description": t.description,
                        "checked": checked.iter().any(|c| c == t.name) })
            })
            .collect();
        json!({ "title": title, "triggers": triggers })
    };
    json!([group("Deal events", "dealflow."), group("Mautic events", "mautic.")])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_is_in_one_group_in_the_lists_order() {
        let groups = trigger_groups(&["dealflow.deal.won".into()]);
        let names: Vec<&str> = groups
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["triggers"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()))
            .collect();
        assert_eq!(names, TRIGGERS.iter().map(|t| t.name).collect::<Vec<_>>());
        assert_eq!(groups[0]["triggers"][3]["checked"], true);
        assert_eq!(groups[0]["triggers"][0]["checked"], false);
    }
}
