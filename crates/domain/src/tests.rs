//! Given / when / then tests of the decisions, with no database.

use chrono::{TimeZone, Utc};

use crate::deal::*;
use crate::events::*;
use crate::ids::*;
use crate::pipeline::*;
use crate::values::*;
use crate::{Actor, EventContext};

/// Hands out 1, 2, 3 … per kind, as the log's sequences do.
#[derive(Default)]
struct Counter(std::collections::HashMap<IdKind, u64>);

impl IdAllocator for Counter {
    fn next_id(&mut self, kind: IdKind) -> u64 {
        let next = self.0.entry(kind).or_default();
        *next += 1;
        *next
    }
}

fn context(version: u64) -> EventContext {
    EventContext {
        version,
        recorded_at: Utc.with_ymd_and_hms(2026, 3, 25, 14, 30, version as u32).unwrap(),
        actor: Actor::user(1, "Sarah Johnson"),
    }
}

fn main_pipeline() -> Pipeline {
    let events = create_pipeline(default_pipeline(), &mut Counter::default());
    Pipeline::fold(PipelineId(1), events.iter().map(|e| (e, 1))).unwrap()
}

fn new_deal(title: &str) -> NewDeal {
    NewDeal {
        title: Title::parse(title).unwrap(),
        amount: Amount::parse("15000").unwrap(),
        currency: Currency::USD,
        close_date: None,
        stage_id: None,
        custom_fields: CustomFields::default(),
        source_id: None,
        external_id: None,
        contacts: Vec::new(),
    }
}

fn given_deal(pipeline: &Pipeline) -> Deal {
    let events = create_deal(pipeline, new_deal("Acme")).unwrap();
    let contexts: Vec<_> = (1..=events.len() as u64).map(context).collect();
    Deal::fold(DealId(42), events.iter().zip(&contexts)).unwrap()
}

#[test]
fn the_default_pipeline_has_the_six_stages_of_the_spec() {
    let pipeline = main_pipeline();
    let names: Vec<_> = pipeline.stages.iter().map(|s| (s.name.as_str(), s.kind)).collect();
    assert_eq!(
        names,
        [
            ("Lead In", StageType::Open),
            ("Qualified", StageType::Open),
            ("Proposal Sent", StageType::Open),
            ("Negotiation", StageType::Open),
            ("Won", StageType::Won),
            ("Lost", StageType::Lost),
        ]
    );
}

#[test]
fn a_new_deal_starts_in_the_first_stage_and_is_open() {
    let deal = given_deal(&main_pipeline());
    assert_eq!(deal.stage.name, "Lead In");
    assert_eq!(deal.status, DealStatus::Open);
    assert_eq!(deal.version, 1);
}

#[test]
fn moving_into_a_won_stage_wins_the_deal() {
    let pipeline = main_pipeline();
    let deal = given_deal(&pipeline);
    let won = pipeline.find_stage("won").unwrap().id;
    let events = move_deal(&deal, &pipeline, Some(won)).unwrap();
    let deal = Deal::evolve(Some(deal), DealId(42), &events[0], &context(2)).unwrap();
    assert_eq!(deal.status, DealStatus::Won);
    assert_eq!(deal.stage.id, won);
}

#[test]
fn moving_to_the_current_stage_decides_nothing() {
    let pipeline = main_pipeline();
    let deal = given_deal(&pipeline);
    assert_eq!(move_deal(&deal, &pipeline, Some(deal.stage.id)).unwrap(), Vec::new());
}

#[test]
fn a_stage_of_another_pipeline_is_refused() {
    let pipeline = main_pipeline();
    let deal = given_deal(&pipeline);
    let error = move_deal(&deal, &pipeline, Some(StageId(999))).unwrap_err();
    assert_eq!(error, DealError::StageNotInPipeline { stage: StageId(999), pipeline: PipelineId(1) });
}

#[test]
fn an_edit_that_changes_nothing_decides_nothing() {
    let deal = given_deal(&main_pipeline());
    let edit = DealEdit {
        title: Some(Title::parse("Acme").unwrap()),
        amount: Some(Amount::parse("15000.00").unwrap()),
        ..DealEdit::default()
    };
    assert!(edit_deal(&deal, &edit).is_empty());
}

#[test]
fn an_edit_records_each_changed_field_with_old_and_new_value() {
    let deal = given_deal(&main_pipeline());
    let edit = DealEdit { amount: Some(Amount::parse("19.99").unwrap()), ..DealEdit::default() };
    let events: [DomainEvent; 1] = edit_deal(&deal, &edit).try_into().unwrap();
    let [DomainEvent::DealUpdated(updated)] = events else { panic!("expected one deal.updated") };
    let change = updated.changes.amount.unwrap();
    assert_eq!((change.old.to_string(), change.new.to_string()), ("15000".into(), "19.99".into()));
    assert!(updated.changes.title.is_none());
}

#[test]
fn a_deleted_pipeline_takes_no_new_deals() {
    let mut pipeline = main_pipeline();
    pipeline.deleted = true;
    assert_eq!(create_deal(&pipeline, new_deal("x")).unwrap_err(), DealError::PipelineDeleted(PipelineId(1)));
}

#[test]
fn completing_a_task_twice_decides_it_once() {
    let deal = given_deal(&main_pipeline());
    let added = add_task(TaskId(3), BoundedText::parse("Call", 255).unwrap(), None);
    let deal = Deal::evolve(Some(deal), DealId(42), &added[0], &context(2)).unwrap();
    let completed = complete_task(&deal, TaskId(3)).unwrap();
    let deal = Deal::evolve(Some(deal), DealId(42), &completed[0], &context(3)).unwrap();
    assert!(complete_task(&deal, TaskId(3)).unwrap().is_empty());
    assert_eq!(complete_task(&deal, TaskId(4)).unwrap_err(), DealError::UnknownTask(TaskId(4)));
}

#[test]
fn events_round_trip_through_their_stored_form() {
    let pipeline = main_pipeline();
    for event in create_deal(&pipeline, new_deal("Round trip")).unwrap() {
        let stored = event.encode_data().unwrap();
        assert_eq!(DomainEvent::decode(event.event_type(), event.schema(), &stored).unwrap(), event);
    }
}

#[test]
fn reordering_stages_moves_the_unlisted_ones_after_the_listed() {
    let pipeline = main_pipeline();
    let lost = pipeline.find_stage("Lost").unwrap().id;
    let edit = PipelineEdit { stages: Some(vec![StageEdit { id: Some(lost), ..StageEdit::default() }]), name: None };
    let events = edit_pipeline(&pipeline, edit, &mut Counter::default()).unwrap();
    let pipeline = events.iter().try_fold(pipeline, |p, e| Pipeline::evolve(Some(p), PipelineId(1), e, 2)).unwrap();
    let order: Vec<_> = pipeline.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(order, ["Lost", "Lead In", "Qualified", "Proposal Sent", "Negotiation", "Won"]);
}
