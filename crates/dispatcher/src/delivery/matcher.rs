//! Matching: the dispatcher tails the log from its checkpoint and, for every event and every hook
//! whose triggers it fires, records a pending delivery item in the same transaction as the new
//! checkpoint (at-least-once: nothing is skipped across restarts).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use domain::contact::Contact;
use domain::deal::Deal;
use domain::ids::{ContactId, DealId, HookId};
use domain::secrets::SecretBox;
use domain::{Actor, DomainEvent, EventContext};
use eventlog::consumer::{self, Consumer};
use eventlog::sql::Db;
use eventlog::{EventStore, RecordedEvent, StorageError, Transaction};
use tokio::sync::Notify;

use super::folds::FoldCache;
use super::payload::{self, EventFacts};
use super::queue::{self, NewItem};
use crate::hooks::{Hook, store, triggers};

/// The matcher's checkpoint name.
pub const CONSUMER: &str = "dispatcher";

/// What one [`Matcher::step`] did; `applied` is the number of items recorded.
pub type MatchStep = consumer::Step<usize>;

/// Tails the log and records delivery items.
#[derive(Clone)]
pub struct Matcher {
    log: EventStore,
    folds: Arc<Mutex<FoldCache>>,
    items_ready: Arc<Notify>,
    secrets: SecretBox,
}

impl Matcher {
    /// A matcher that wakes `items_ready` after recording items.
    pub fn new(log: EventStore, items_ready: Arc<Notify>, secrets: SecretBox) -> Self {
        Self { log, folds: Arc::default(), items_ready, secrets }
    }

    /// Matches the next batch of events, if any.
    pub async fn step(&self) -> Result<MatchStep, StorageError> {
        consumer::step(&self.log, self).await
    }

    /// Steps until nothing is left.
    pub async fn catch_up(&self) -> Result<(), StorageError> {
        consumer::catch_up(&self.log, self).await.map(drop)
    }

    /// Matches events as they are committed, for as long as it is polled.
    pub async fn run(&self) {
        consumer::run(&self.log, self, std::future::pending()).await;
    }
}

impl Consumer for Matcher {
    type Prepared = Vec<NewItem>;
    type Applied = usize;

    const NAME: &'static str = CONSUMER;

    fn batch(&self) -> usize {
        512
    }

    fn prepare(&self, conn: &Db<'_>, events: Vec<RecordedEvent>) -> Result<Vec<NewItem>, StorageError> {
        let now = Utc::now();
        let hooks: Vec<Hook> = store::all(conn, &self.secrets)?.into_iter().filter(|h| accepts_items(h, now)).collect();
        let mut folds = self.folds.lock().unwrap_or_else(|p| p.into_inner());
        let mut items = Vec::new();
        for event in &events {
            let subscribed: Vec<&Hook> = hooks.iter().filter(|h| h.created_position < event.position).collect();
            items.extend(items_for(conn, &mut folds, event, &subscribed)?);
        }
        Ok(items)
    }

    fn apply(tx: &mut Transaction<'_>, items: Vec<NewItem>) -> Result<usize, StorageError> {
        queue::insert_items(tx.sql(), &items, tx.recorded_at())?;
        Ok(items.len())
    }

    fn committed(&self, _events: usize, items: &usize) {
        if *items > 0 {
            self.items_ready.notify_waiters();
        }
    }
}

/// Whether a hook takes new items: published (within its window), or unpublished by dealflow
/// itself — its events keep queueing until it is published again. A hook a user unpublished
/// queues nothing.
pub fn accepts_items(hook: &Hook, now: DateTime<Utc>) -> bool {
    hook.is_live(now) || (!hook.is_published && hook.unpublished_reason.is_some())
}

/// The outbound triggers an event fires (SPEC §4), decided from the event alone: a deal that
/// lands in a won or lost stage, by a stage change or by being created there, fires won or lost.
pub fn fired(event: &DomainEvent) -> Vec<&'static str> {
    let stage_type = match event {
        DomainEvent::DealCreated(created) => Some(created.stage.kind.as_str()),
        DomainEvent::DealStageChanged(changed) => Some(changed.to.kind.as_str()),
        _ => None,
    };
    triggers::fired_by(event.event_type(), stage_type)
}

/// What an event's items are built from: the deal or the contact right after it.
pub enum Subject {
    Deal(Deal),
    Contact { contact: Contact, created_by: Option<Actor> },
    Nothing,
}

impl Subject {
    /// The deal or contact of the event's stream, folded up to the event.
    pub fn after(
        conn: &Db<'_>,
        folds: &mut FoldCache,
        event: &RecordedEvent,
        decoded: &DomainEvent,
        context: &EventContext,
    ) -> Result<Self, StorageError> {
        if let Some(id) = DealId::from_stream(&event.stream) {
            return Ok(folds.deal_after(conn, id, decoded, context)?.map_or(Self::Nothing, Self::Deal));
        }
        if let Some(id) = ContactId::from_stream(&event.stream) {
            let Some(contact) = folds.contact_after(conn, id, decoded, context)? else {
                return Ok(Self::Nothing);
            };
            let created_by = folds.contact_creator(conn, id, decoded, context)?;
            return Ok(Self::Contact { contact, created_by });
        }
        Ok(Self::Nothing)
    }

    /// One trigger's item for one hook; `None` when the event has no deal or contact.
    pub fn item(
        &self,
        trigger: &str,
        event: &DomainEvent,
        facts: &EventFacts<'_>,
        hook: HookId,
    ) -> serde_json::Result<Option<String>> {
        match self {
            Self::Deal(deal) => payload::deal_item(trigger, event, deal, facts, hook).map(Some),
            Self::Contact { contact, created_by } => {
                payload::contact_item(event, contact, created_by.as_ref(), facts, hook).map(Some)
            }
            Self::Nothing => Ok(None),
        }
    }
}

/// The items one event makes for the given hooks.
pub fn items_for(
    conn: &Db<'_>,
    folds: &mut FoldCache,
    event: &RecordedEvent,
    hooks: &[&Hook],
) -> Result<Vec<NewItem>, StorageError> {
    let possible =
        [triggers::fired_by(&event.event_type, Some("won")), triggers::fired_by(&event.event_type, Some("lost"))]
            .concat();
    if !hooks.iter().any(|h| h.triggers.iter().any(|t| possible.contains(&t.as_str()))) {
        return Ok(Vec::new());
    }
    let decoded = event.decode()?;
    let metadata = event.metadata()?;
    let context = event.context()?;
    let facts = EventFacts {
        event_id: event.event_id,
        recorded_at: event.recorded_at,
        actor: &metadata.actor,
        request_id: metadata.request_id.as_deref(),
        test: false,
    };
    let subject = Subject::after(conn, folds, event, &decoded, &context)?;
    let mut items = Vec::new();
    for trigger in fired(&decoded) {
        for hook in hooks.iter().filter(|h| h.triggers.iter().any(|t| t == trigger)) {
            let Some(payload) = subject.item(trigger, &decoded, &facts, hook.id)? else { continue };
            items.push(NewItem {
                hook_id: hook.id,
                position: event.position,
                event_id: event.event_id,
                trigger,
                payload,
            });
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use domain::events::{DealCreated, DealStageChanged, DealStatus, PipelineRef, StageRef, StageType};
    use domain::ids::{PipelineId, StageId};
    use domain::values::{Amount, Currency};

    use super::*;

    fn stage(id: u64, kind: StageType) -> StageRef {
        StageRef { id: StageId(id), name: format!("stage {id}"), kind }
    }

    fn created_in(kind: StageType) -> DomainEvent {
        DomainEvent::DealCreated(DealCreated {
            title: "Acme".into(),
            amount: Amount::ZERO,
            currency: Currency::parse("USD").unwrap(),
            close_date: None,
            status: DealStatus::of_stage(kind),
            pipeline: PipelineRef { id: PipelineId(1), name: "Main".into() },
            stage: stage(1, kind),
            custom_fields: Default::default(),
            source_id: None,
            external_id: None,
        })
    }

    fn moved_to(kind: StageType) -> DomainEvent {
        DomainEvent::DealStageChanged(DealStageChanged {
            from: stage(1, StageType::Open),
            to: stage(2, kind),
            pipeline: PipelineRef { id: PipelineId(1), name: "Main".into() },
            previous_pipeline: None,
            status: DealStatus::of_stage(kind),
        })
    }

    #[test]
    fn a_deal_created_in_a_won_stage_fires_created_and_won() {
        // given a deal created directly in a won stage, when matched, then it is created and won
        assert_eq!(fired(&created_in(StageType::Won)), ["dealflow.deal.created", "dealflow.deal.won"]);
    }

    #[test]
    fn a_deal_created_in_a_lost_stage_fires_created_and_lost() {
        assert_eq!(fired(&created_in(StageType::Lost)), ["dealflow.deal.created", "dealflow.deal.lost"]);
    }

    #[test]
    fn a_deal_created_in_an_open_stage_fires_created_only() {
        assert_eq!(fired(&created_in(StageType::Open)), ["dealflow.deal.created"]);
    }

    #[test]
    fn a_move_fires_stage_changed_and_won_or_lost_by_the_new_stage() {
        assert_eq!(fired(&moved_to(StageType::Open)), ["dealflow.deal.stage_changed"]);
        assert_eq!(fired(&moved_to(StageType::Won)), ["dealflow.deal.stage_changed", "dealflow.deal.won"]);
        assert_eq!(fired(&moved_to(StageType::Lost)), ["dealflow.deal.stage_changed", "dealflow.deal.lost"]);
    }
}
