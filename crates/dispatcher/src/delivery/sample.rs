//! The items `POST /api/hooks/{id}/test` sends: one per trigger of the hook that dealflow fires,
//! built by the same code as a real delivery ([`Subject::item`]), so a test item has a real
//! item's keys. Each is made from the latest event in the log that fires its trigger; when the
//! log has none, from a made-up history of SPEC §7's example deal (or a sample contact) with a
//! fresh event id. Either way `event_info.test` is `true`. A hook with no firing trigger gets a
//! sample `dealflow.deal.stage_changed` item.

use chrono::{DateTime, Utc};
use domain::contact::Contact;
use domain::deal::Deal;
use domain::ids::HookId;
use domain::{Actor, ActorKind, DomainEvent, EventContext};
use eventlog::sql::Db;
use eventlog::{RecordedEvent, StorageError, reader};
use uuid::Uuid;

use super::folds::FoldCache;
use super::matcher::{Subject, fired};
use super::payload::EventFacts;
use super::queue::Item;
use super::sample_data::{CONTACT, DEAL, history};
use crate::hooks::{Hook, triggers};

/// The trigger sampled for a hook that lists none that fires.
const FALLBACK: &str = "dealflow.deal.stage_changed";
/// Events read per page, and pages read at most, while looking for a trigger's latest event.
const PAGE: usize = 200;
const PAGES: usize = 25;

/// The items of a test send to `hook`.
pub fn items(conn: &Db<'_>, hook: &Hook, now: DateTime<Utc>) -> Result<Vec<Item>, StorageError> {
    let mut firing: Vec<&str> =
        hook.triggers.iter().map(String::as_str).filter(|t| !triggers::fired_from(t).is_empty()).collect();
    if firing.is_empty() {
        firing.push(FALLBACK);
    }
    let mut items = Vec::with_capacity(firing.len());
    for trigger in firing {
        let item = match from_log(conn, trigger, hook.id)? {
            Some(item) => item,
            None => made_up(trigger, hook.id, now)?,
        };
        items.push(item);
    }
    Ok(items)
}

/// The trigger's item for the latest event in the log that fires it, if there is one.
fn from_log(conn: &Db<'_>, trigger: &str, hook: HookId) -> Result<Option<Item>, StorageError> {
    let types = triggers::fired_from(trigger);
    let mut before = u64::MAX;
    for _ in 0..PAGES {
        let events = reader::latest_of_types(conn, &types, before, PAGE)?;
        for event in &events {
            let decoded = event.decode()?;
            if fired(&decoded).contains(&trigger) {
                return real_item(conn, trigger, event, &decoded, hook);
            }
        }
        match events.last() {
            Some(oldest) if events.len() == PAGE => before = oldest.position,
            _ => break,
        }
    }
    Ok(None)
}

fn real_item(
    conn: &Db<'_>,
    trigger: &str,
    event: &RecordedEvent,
    decoded: &DomainEvent,
    hook: HookId,
) -> Result<Option<Item>, StorageError> {
    let (metadata, context) = (event.metadata()?, event.context()?);
    let facts = EventFacts {
        event_id: event.event_id,
        recorded_at: event.recorded_at,
        actor: &metadata.actor,
        request_id: metadata.request_id.as_deref(),
        test: true,
    };
    let subject = Subject::after(conn, &mut FoldCache::default(), event, decoded, &context)?;
    let payload = subject.item(trigger, decoded, &facts, hook)?;
    Ok(payload.map(|payload| item(trigger, event.position, event.event_id, payload)))
}

/// The trigger's item for a made-up history whose last event fires it.
pub(super) fn made_up(trigger: &str, hook: HookId, now: DateTime<Utc>) -> Result<Item, StorageError> {
    let actor = Actor { id: None, name: "dealflow".into(), kind: ActorKind::System };
    let history = history(trigger);
    let contexts: Vec<EventContext> = (1..=history.len() as u64)
        .map(|version| EventContext { version, recorded_at: now, actor: actor.clone() })
        .collect();
    let subject = if trigger.starts_with("mautic.") {
        let contact = history.iter().zip(&contexts).fold(None, |state, (e, c)| Contact::evolve(state, CONTACT, e, c));
        contact.map_or(Subject::Nothing, |contact| Subject::Contact { contact, created_by: Some(actor.clone()) })
    } else {
        let deal = history.iter().zip(&contexts).fold(None, |state, (e, c)| Deal::evolve(state, DEAL, e, c));
        deal.map_or(Subject::Nothing, Subject::Deal)
    };
    let event_id = Uuid::now_v7();
    let facts = EventFacts { event_id, recorded_at: now, actor: &actor, request_id: None, test: true };
    let payload = match history.last() {
        Some(last) => subject.item(trigger, last, &facts, hook)?.unwrap_or_default(),
        None => String::new(),
    };
    Ok(item(trigger, 0, event_id, payload))
}

fn item(trigger: &str, position: u64, event_id: Uuid, payload: String) -> Item {
    Item { id: 0, position, event_id: event_id.to_string(), trigger: trigger.to_owned(), payload, delivery_id: None }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn every_firing_trigger_reads_its_line_from_the_items_real_shape() {
        let now = chrono::Utc::now();
        for trigger in triggers::TRIGGERS.iter().map(|t| t.name).filter(|t| !triggers::fired_from(t).is_empty()) {
            let item = made_up(trigger, HookId(1), now).unwrap();
            let line = super::super::slack::line(trigger, &serde_json::from_str(&item.payload).unwrap());
            for fallback in ["a contact", "untitled", "?", "no fields", "— 0 "] {
                assert!(!line.contains(fallback), "{trigger}: {line}");
            }
        }
    }

    #[test]
    fn every_firing_trigger_has_a_made_up_item_marked_as_a_test() {
        let now = Utc::now();
        for trigger in triggers::TRIGGERS.iter().map(|t| t.name).filter(|t| !triggers::fired_from(t).is_empty()) {
            let item: Value = serde_json::from_str(&made_up(trigger, HookId(1), now).unwrap().payload).unwrap();
            assert_eq!(item["event_info"]["test"], true, "{trigger}");
            match trigger {
                "dealflow.deal.won" | "dealflow.deal.lost" => assert!(item["previous_stage"]["name"].is_string()),
                "dealflow.deal.note_added" => assert_eq!(item["note"]["created_by"]["name"], "dealflow"),
                "dealflow.deal.task_completed" => assert!(item["task"]["completed_at"].is_string()),
                t if t.starts_with("mautic.") => {
                    assert_eq!(item["contact"]["fields"]["core"]["email"]["value"], "jane.doe@example.com")
                }
                t => assert_eq!(item["event"], t),
            }
        }
    }
}
