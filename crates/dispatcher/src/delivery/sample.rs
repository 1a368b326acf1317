//! The sample event `POST /api/hooks/{id}/test` sends: shaped as a real item of the hook's first
//! trigger (SPEC §7's example deal), marked with `"test": true` in its `event_info`.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::ids::HookId;
use serde_json::{Value, json};
use uuid::Uuid;

use super::queue::Item;
use crate::hooks::Hook;

/// The one item of a test delivery.
pub fn items(hook: &Hook, now: DateTime<Utc>) -> Vec<Item> {
    let trigger = hook.triggers.first().map_or("dealflow.deal.stage_changed", String::as_str);
    let event_id = Uuid::now_v7();
    let payload = item(trigger, hook.id, event_id, now);
    vec![Item {
        id: 0,
        position: 0,
        event_id: event_id.to_string(),
        trigger: trigger.to_owned(),
        payload: payload.to_string(),
        delivery_id: None,
    }]
}

fn item(trigger: &str, hook: HookId, event_id: Uuid, now: DateTime<Utc>) -> Value {
    let timestamp = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let event_info =
        json!({ "webhook_id": hook, "event_id": event_id, "api_version": "1", "request_id": null, "test": true });
    if trigger.starts_with("mautic.") {
        return json!({
            "contact": { "id": 1, "email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe", "company": "Acme Corp" },
            "timestamp": timestamp,
            "event_info": event_info,
        });
    }
    let stage = |id: u64, name: &str, kind: &str| json!({ "id": id, "name": name, "type": kind });
    let mut item = json!({
        "event": trigger,
        "timestamp": timestamp,
        "deal": {
            "id": 42, "title": "Acme Corp - Enterprise Plan", "amount": 15000, "currency": "USD", "close_date": null,
            "status": "open", "stage": stage(7, "Proposal Sent", "open"), "pipeline": { "id": 1, "name": "Main Pipeline" },
            "custom_fields": {}, "external_id": null,
        },
        "changed_by": { "id": null, "name": "dealflow", "type": "system" },
        "event_info": event_info,
    });
    let extra = match trigger {
        "dealflow.deal.stage_changed" => Some(("previous_stage", stage(6, "Qualified", "open"))),
        "dealflow.deal.updated" => Some(("changes", json!({ "amount": { "old": 12000, "new": 15000 } }))),
        "dealflow.deal.contact_added" => {
            Some(("contact", json!({ "id": 1, "email": "jane.doe@example.com", "name": "Jane Doe" })))
        }
        "dealflow.deal.note_added" => {
            Some(("note", json!({ "id": 1, "text": "Sent the proposal", "created_at": timestamp })))
        }
        "dealflow.deal.task_completed" => Some(("task", json!({ "id": 1, "title": "Follow up", "completed": true }))),
        "dealflow.deal.won" => {
            item["deal"]["status"] = json!("won");
            item["deal"]["stage"] = stage(9, "Won", "won");
            None
        }
        "dealflow.deal.lost" => {
            item["deal"]["status"] = json!("lost");
            item["deal"]["stage"] = stage(10, "Lost", "lost");
            None
        }
        _ => None,
    };
    if let Some((key, value)) = extra {
        item[key] = value;
    }
    item
}
