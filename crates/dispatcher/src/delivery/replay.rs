//! `POST /api/hooks/{id}/replay {from_position | since, types?}`: puts the hook's failed items
//! back in its queue and, given a start, queues historical events for it (a new subscriber's
//! backfill). An empty body only redelivers the failed items; `{event_ids: […]}` redelivers
//! only those failed events (one delivery's, as its log entry lists them).

use std::sync::{Arc, Mutex};

use api::limits::IdText;
use api::{CommandError, Fields};
use chrono::{DateTime, Utc};
use domain::ids::HookId;
use domain::values::FieldErrors;
use eventlog::{EventFilter, StorageError, reader};
use serde::Serialize;
use serde_json::{Map, Value};

use super::engine::Engine;
use super::folds::FoldCache;
use super::matcher::{self, items_for};
use super::queue;
use crate::hooks::store;

/// Which history to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayRequest {
    /// Whether to queue history at all (a start was given).
    pub backfill: bool,
    /// Events after this position…
    pub after: u64,
    /// …recorded at or after this instant…
    pub since: Option<DateTime<Utc>>,
    /// …of these types (`deal.*` keeps a prefix; empty keeps all).
    pub types: Vec<String>,
    /// Only these failed events are put back (empty: every failed event).
    pub event_ids: Vec<String>,
}

/// What a replay queued.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Replayed {
    /// Items queued from history (events the hook's triggers fire on).
    pub queued: usize,
    /// Failed items put back in the queue.
    pub requeued_failed: usize,
    /// The last position replayed: later events reach the hook through normal matching.
    pub to_position: u64,
}

const BATCH: usize = 512;

/// The most event ids one resend may name (a delivery holds at most `batch_limit` ≤ 1000).
const MAX_EVENT_IDS: usize = 1000;

impl ReplayRequest {
    /// At most one of `from_position` (a log position, 1 or more) and `since` (RFC 3339), and
    /// with one of them optionally `types` (a list of event types); or alone `event_ids` (1 to
    /// 1000 event ids, as a delivery log entry lists them).
    pub fn parse(map: &Map<String, Value>) -> Result<Self, FieldErrors> {
        let mut fields = Fields::new(map);
        let from = fields.value("from_position").map(|value| {
            let text = value.as_str().map_or_else(|| value.to_string(), |text| text.trim().to_owned());
            let parsed = match IdText::of(&text) {
                IdText::Id(position) => Ok(position),
                IdText::OutOfRange if text != "0" => Err(format!("{text} is beyond any log position")),
                _ => Err("must be a log position (1 or more)".to_owned()),
            };
            fields.check("from_position", parsed)
        });
        let since = fields.value("since").map(|value| {
            let parsed = value.as_str().and_then(|text| DateTime::parse_from_rfc3339(text.trim()).ok());
            fields.check("since", parsed.map(|t| t.with_timezone(&Utc)).ok_or("must be an RFC 3339 date-time"))
        });
        if from.is_some() && since.is_some() {
            fields.error("from_position", "give one of from_position and since, not both");
        }
        let backfill = from.is_some() || since.is_some();
        if !backfill && fields.has("types") {
            fields.error("types", "filters a backfill: give from_position or since with it");
        }
        let event_ids = fields.value("event_ids").map(|value| {
            let parsed = value
                .as_array()
                .filter(|ids| (1..=MAX_EVENT_IDS).contains(&ids.len()))
                .and_then(|ids| {
                    ids.iter()
                        .map(|id| id.as_str().map(str::trim).filter(|id| (1..=100).contains(&id.len())))
                        .map(|id| id.map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or("must be a list of 1 to 1000 event ids, as a delivery log entry lists them");
            fields.check("event_ids", parsed)
        });
        if event_ids.is_some() && backfill {
            fields.error("event_ids", "resends failed events: give it alone, without from_position or since");
        }
        let types = match fields.value("types") {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(value) => {
                let parsed = value
                    .as_array()
                    .and_then(|types| {
                        types
                            .iter()
                            .map(|t| t.as_str().map(str::trim).filter(|t| (1..=100).contains(&t.len())))
                            .collect::<Option<Vec<_>>>()
                    })
                    .map(|types| types.into_iter().map(str::to_owned).collect())
                    .ok_or("must be a list of event types such as deal.stage_changed or deal.*");
                fields.check("types", parsed)
            }
        };
        fields.refuse_unknown();
        let errors = fields.into_errors();
        errors.into_result(|| Self {
            backfill,
            after: from.flatten().map_or(0, |p: u64| p - 1),
            since: since.flatten(),
            types: types.unwrap_or_default(),
            event_ids: event_ids.flatten().unwrap_or_default(),
        })
    }
}

/// Queues the requested history for a hook (whatever its triggers fire on), up to where normal
/// matching takes over, and requeues its failed items.
pub async fn replay(engine: &Engine, id: HookId, request: ReplayRequest) -> Result<Replayed, CommandError> {
    let log = engine.context().log.clone();
    let secrets = engine.context().secrets.clone();
    let (hook, end) = log
        .read_async(move |conn| {
            let hook = store::find(conn, &secrets, id)?
                .ok_or_else(|| CommandError::NotFound(format!("hook {id} does not exist")))?;
            // Matching records events after its checkpoint for hooks created before them.
            let end = reader::checkpoint(conn, matcher::CONSUMER)?.max(hook.created_position);
            Ok::<_, CommandError>((hook, end))
        })
        .await?;
    let filter = EventFilter { types: request.types, stream: None, since: request.since, until: None };
    let folds = Arc::new(Mutex::new(FoldCache::default()));
    let mut replayed = Replayed { to_position: end, ..Replayed::default() };
    let mut after = if request.backfill { request.after } else { end };
    while after < end {
        let (hook, filter, folds) = (hook.clone(), filter.clone(), folds.clone());
        let (last, items) = log
            .read_async(move |conn| {
                let events = reader::read_all(conn, after, BATCH, &filter)?;
                let mut folds = folds.lock().unwrap_or_else(|p| p.into_inner());
                let mut items = Vec::new();
                for event in events.iter().take_while(|e| e.position <= end) {
                    items.extend(items_for(conn, &mut folds, event, &[&hook])?);
                }
                Ok::<_, StorageError>((events.last().map_or(end, |e| e.position), items))
            })
            .await?;
        if !items.is_empty() {
            replayed.queued += log
                .write(move |tx| Ok::<_, StorageError>(queue::insert_items(tx.sql(), &items, tx.recorded_at())?))
                .await?;
        }
        after = last;
    }
    let only = request.event_ids;
    let resending = !only.is_empty();
    replayed.requeued_failed = log
        .write(move |tx| match only.is_empty() {
            true => Ok::<_, StorageError>(queue::requeue_failed(tx.sql(), id)?),
            false => Ok(queue::requeue_failed_events(tx.sql(), id, &only)?),
        })
        .await?;
    if resending && replayed.requeued_failed == 0 {
        return Err(CommandError::Conflict(
            "none of these events is a failed event of this hook: they were resent already, or never failed".into(),
        ));
    }
    engine.items_queued();
    Ok(replayed)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(body: Value) -> Result<ReplayRequest, Vec<String>> {
        ReplayRequest::parse(body.as_object().unwrap()).map_err(|e| e.fields().map(str::to_owned).collect())
    }

    #[test]
    fn given_a_deliverys_event_ids_when_parsed_then_only_those_are_resent_and_nothing_is_backfilled() {
        let request = parse(json!({ "event_ids": ["a", " b "] })).unwrap();
        assert_eq!((request.backfill, request.event_ids), (false, vec!["a".to_owned(), "b".to_owned()]));
    }

    #[test]
    fn given_event_ids_with_a_start_or_in_a_bad_shape_when_parsed_then_event_ids_is_refused() {
        for body in [
            json!({ "event_ids": ["a"], "from_position": 1 }),
            json!({ "event_ids": [] }),
            json!({ "event_ids": "a" }),
            json!({ "event_ids": [1] }),
            json!({ "event_ids": [""] }),
        ] {
            assert_eq!(parse(body.clone()).unwrap_err(), ["event_ids"], "{body}");
        }
    }
}
