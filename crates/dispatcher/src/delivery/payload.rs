//! The bodies of SPEC §7. Each item is built when its event is matched, from the deal (or contact)
//! as it stood after that event; a batch groups items by trigger. Test sends build theirs here too
//! (`delivery::sample`), so a test item has exactly a real item's keys.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::Actor;
use domain::contact::Contact;
use domain::deal::{Deal, Note, Task};
use domain::events::{ContactChanges, ContactSnapshot, DealChanges, DomainEvent, PipelineRef, StageRef};
use domain::ids::{DealId, HookId};
use domain::values::{Amount, Currency, CustomFields};
use serde::Serialize;
use uuid::Uuid;

use super::mautic_contact::{self, MauticContact};
use super::queue::Item;
use crate::hooks::PayloadFormat;

/// What an item says about the event behind it.
pub struct EventFacts<'a> {
    pub event_id: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub actor: &'a Actor,
    pub request_id: Option<&'a str>,
    /// Whether the item goes out in a test send (`POST /api/hooks/{id}/test`).
    pub test: bool,
}

/// DealHub's envelope: which hook, which event, which API version, which request, and whether
/// this is a test send.
#[derive(Serialize)]
struct EventInfo<'a> {
    webhook_id: HookId,
    event_id: Uuid,
    api_version: &'static str,
    request_id: Option<&'a str>,
    test: bool,
}

impl<'a> EventInfo<'a> {
    fn new(facts: &EventFacts<'a>, hook: HookId) -> Self {
        Self {
            webhook_id: hook,
            event_id: facts.event_id,
            api_version: "1",
            request_id: facts.request_id,
            test: facts.test,
        }
    }
}

#[derive(Serialize)]
struct DealSummary<'a> {
    id: DealId,
    title: &'a str,
    amount: Amount,
    currency: Currency,
    close_date: Option<chrono::NaiveDate>,
    status: domain::events::DealStatus,
    stage: &'a StageRef,
    pipeline: &'a PipelineRef,
    custom_fields: &'a CustomFields,
    external_id: Option<&'a str>,
}

#[derive(Serialize)]
struct DealItem<'a> {
    event: &'a str,
    timestamp: String,
    deal: DealSummary<'a>,
    /// On stage_changed, won and lost items; null when the deal was created in its stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_stage: Option<Option<&'a StageRef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a DealChanges>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<&'a ContactSnapshot>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a Note>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task: Option<&'a Task>,
    changed_by: &'a Actor,
    event_info: EventInfo<'a>,
}

#[derive(Serialize)]
struct ContactItem<'a> {
    contact: MauticContact<'a>,
    timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a ContactChanges>,
    event_info: EventInfo<'a>,
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A deal trigger's item: the deal after the event, and what the event was about.
pub fn deal_item(
    trigger: &str,
    event: &DomainEvent,
    deal: &Deal,
    facts: &EventFacts<'_>,
    hook: HookId,
) -> serde_json::Result<String> {
    let mut item = DealItem {
        event: trigger,
        timestamp: timestamp(facts.recorded_at),
        deal: DealSummary {
            id: deal.id,
            title: &deal.title,
            amount: deal.amount,
            currency: deal.currency,
            close_date: deal.close_date,
            status: deal.status,
            stage: &deal.stage,
            pipeline: &deal.pipeline,
            custom_fields: &deal.custom_fields,
            external_id: deal.external_id.as_deref(),
        },
        previous_stage: None,
        changes: None,
        contact: None,
        note: None,
        task: None,
        changed_by: facts.actor,
        event_info: EventInfo::new(facts, hook),
    };
    match event {
        DomainEvent::DealStageChanged(changed) => item.previous_stage = Some(Some(&changed.from)),
        DomainEvent::DealCreated(_) if CARRY_PREVIOUS_STAGE.contains(&trigger) => item.previous_stage = Some(None),
        DomainEvent::DealUpdated(updated) => item.changes = Some(&updated.changes),
        DomainEvent::DealContactAdded(added) => item.contact = Some(&added.contact),
        DomainEvent::DealNoteAdded(added) => item.note = deal.notes.iter().find(|n| n.id == added.note.id),
        DomainEvent::DealTaskCompleted(done) => item.task = deal.tasks.iter().find(|t| t.id == done.task_id),
        _ => {}
    }
    serde_json::to_string(&item)
}

/// The triggers whose items carry `previous_stage`.
const CARRY_PREVIOUS_STAGE: [&str; 3] = ["dealflow.deal.stage_changed", "dealflow.deal.won", "dealflow.deal.lost"];

/// A Mautic contact trigger's item: `{"contact": …, "timestamp": …}` with Mautic's contact
/// object, plus dealflow's `changes` (updates) and `event_info`. `created_by` is who created the
/// contact; the event's actor is its last modifier.
pub fn contact_item(
    event: &DomainEvent,
    contact: &Contact,
    created_by: Option<&Actor>,
    facts: &EventFacts<'_>,
    hook: HookId,
) -> serde_json::Result<String> {
    let changes = match event {
        DomainEvent::ContactUpdated(updated) => Some(&updated.changes),
        _ => None,
    };
    serde_json::to_string(&ContactItem {
        contact: mautic_contact::contact(contact, created_by, facts.actor),
        timestamp: timestamp(facts.recorded_at),
        changes,
        event_info: EventInfo::new(facts, hook),
    })
}

/// The body of a delivery in the hook's format.
pub fn body(format: PayloadFormat, items: &[Item]) -> String {
    let pairs = items.iter().map(|item| (item.trigger.as_str(), item.payload.as_str()));
    match format {
        PayloadFormat::Mautic => mautic_body(pairs),
        PayloadFormat::Slack => super::slack::body(pairs),
    }
}

/// A Mautic-format body: the items grouped by trigger, groups in order of first appearance,
/// items in the order given. Items are already JSON and are not parsed again.
pub fn mautic_body<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (trigger, item) in items {
        match groups.iter_mut().find(|(t, _)| *t == trigger) {
            Some((_, group)) => group.push(item),
            None => groups.push((trigger, vec![item])),
        }
    }
    let mut body = String::from("{");
    for (index, (trigger, group)) in groups.iter().enumerate() {
        if index > 0 {
            body.push(',');
        }
        body.push_str(&serde_json::to_string(trigger).unwrap_or_default());
        body.push_str(":[");
        body.push_str(&group.join(","));
        body.push(']');
    }
    body.push('}');
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_grouped_by_trigger_in_order_of_first_appearance() {
        let body = mautic_body([("b", r#"{"n":1}"#), ("a", r#"{"n":2}"#), ("b", r#"{"n":3}"#)]);
        assert_eq!(body, r#"{"b":[{"n":1},{"n":3}],"a":[{"n":2}]}"#);
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["b"][1]["n"], 3);
    }
}
