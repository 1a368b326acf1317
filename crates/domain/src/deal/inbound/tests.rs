//! Given (a deal or none, a pipeline), when an inbound request arrives (with a contact or
//! not), then these events or this error. No database.

use chrono::{TimeZone, Utc};

use super::*;
use crate::events::{DealStatus, StageType};
use crate::ids::{ContactId, DealId, IdAllocator, IdKind, PipelineId};
use crate::pipeline::{create_pipeline, default_pipeline};
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

/// The main pipeline (stages 1–6: Lead In … Won, Lost) and a second one (stages 7–12).
fn given_pipelines() -> (Pipeline, Pipeline) {
    let mut ids = Counter::default();
    let fold = |id, ids: &mut Counter| {
        let events = create_pipeline(default_pipeline(), ids);
        Pipeline::fold(PipelineId(id), events.iter().map(|e| (e, 1))).unwrap()
    };
    let main = fold(1, &mut ids);
    (main, fold(2, &mut ids))
}

fn main_pipeline() -> Pipeline {
    given_pipelines().0
}

/// A deal decided and folded from an earlier request, as the log would hold it.
fn given_deal(pipeline: &Pipeline, contact: Option<&ContactSnapshot>) -> Deal {
    let events = decide_inbound(None, pipeline, contact, &request(Some("Acme"))).unwrap();
    let contexts: Vec<_> = (1..=events.len() as u64).map(context).collect();
    Deal::fold(DealId(42), events.iter().zip(&contexts)).unwrap()
}

fn context(version: u64) -> EventContext {
    EventContext {
        version,
        recorded_at: Utc.with_ymd_and_hms(2026, 3, 25, 14, 30, version as u32).unwrap(),
        actor: Actor::system(),
    }
}

fn request(title: Option<&str>) -> InboundDeal {
    InboundDeal {
        title: title.map(|t| Title::parse(t).unwrap()),
        amount: Some(Amount::parse("15000").unwrap()),
        currency: None,
        close_date: None,
        custom_fields: None,
        external_id: Some("crm-1".into()),
        source_id: SourceId(7),
        default_currency: Currency::USD,
        stage: None,
        moves: false,
    }
}

fn jane() -> ContactSnapshot {
    ContactSnapshot {
        id: ContactId(3),
        email: "jane@acme.com".into(),
        first_name: Some("Jane".into()),
        last_name: None,
        company: None,
    }
}

fn event_types(events: &[DomainEvent]) -> Vec<&'static str> {
    events.iter().map(DomainEvent::event_type).collect()
}

#[test]
fn given_no_deal_when_a_titled_request_arrives_then_the_deal_is_created_in_the_first_stage() {
    let events = decide_inbound(None, &main_pipeline(), None, &request(Some("Acme"))).unwrap();

    let [DomainEvent::DealCreated(created)] = events.as_slice() else { panic!("one deal.created: {events:?}") };
    assert_eq!((created.title.as_str(), created.stage.name.as_str()), ("Acme", "Lead In"));
    assert_eq!((created.source_id, created.external_id.as_deref()), (Some(SourceId(7)), Some("crm-1")));
    assert_eq!(created.status, DealStatus::Open);
}

#[test]
fn given_no_deal_when_the_request_has_no_title_then_a_title_is_required() {
    let refused = decide_inbound(None, &main_pipeline(), None, &request(None));

    assert_eq!(refused.unwrap_err(), DealError::TitleRequired);
}

#[test]
fn given_no_deal_when_the_request_names_no_currency_or_amount_then_the_defaults_apply() {
    let mut input = request(Some("Acme"));
    input.amount = None;
    input.default_currency = Currency::parse("EUR").unwrap();

    let events = decide_inbound(None, &main_pipeline(), None, &input).unwrap();

    let [DomainEvent::DealCreated(created)] = events.as_slice() else { panic!("one deal.created") };
    assert_eq!((created.amount, created.currency.to_string()), (Amount::ZERO, "EUR".to_owned()));
}

#[test]
fn given_no_deal_when_the_request_names_a_won_stage_then_the_deal_is_created_won() {
    let pipeline = main_pipeline();
    let mut input = request(Some("Closed"));
    (input.stage, input.moves) = (Some(pipeline.find_stage("won").unwrap().id), true);

    let events = decide_inbound(None, &pipeline, None, &input).unwrap();

    let [DomainEvent::DealCreated(created)] = events.as_slice() else { panic!("one deal.created") };
    assert_eq!((created.stage.kind, created.status), (StageType::Won, DealStatus::Won));
}

#[test]
fn given_no_deal_when_a_contact_is_resolved_then_it_is_added_to_the_new_deal() {
    let events = decide_inbound(None, &main_pipeline(), Some(&jane()), &request(Some("Acme"))).unwrap();

    assert_eq!(event_types(&events), ["deal.created", "deal.contact_added"]);
}

#[test]
fn given_no_deal_when_custom_fields_are_sent_then_the_deal_starts_with_them() {
    let mut input = request(Some("Acme"));
    input.custom_fields = Some(CustomFieldsPatch::parse(&serde_json::json!({"form_id": "abc123"})).unwrap());

    let events = decide_inbound(None, &main_pipeline(), None, &input).unwrap();

    let [DomainEvent::DealCreated(created)] = events.as_slice() else { panic!("one deal.created") };
    let expected = CustomFields::default().patched(input.custom_fields.as_ref().unwrap());
    assert_eq!(created.custom_fields, expected);
}

#[test]
fn given_a_deleted_pipeline_when_a_new_deal_is_asked_for_then_it_is_refused() {
    let mut pipeline = main_pipeline();
    pipeline.deleted = true;

    let refused = decide_inbound(None, &pipeline, None, &request(Some("Acme")));

    assert_eq!(refused.unwrap_err(), DealError::PipelineDeleted(PipelineId(1)));
}

#[test]
fn given_a_deal_when_the_same_fields_arrive_again_then_nothing_is_decided() {
    let pipeline = main_pipeline();
    let deal = given_deal(&pipeline, None);

    let events = decide_inbound(Some(&deal), &pipeline, None, &request(Some("Acme"))).unwrap();

    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn given_a_deal_when_an_update_has_no_title_then_the_title_stays() {
    let pipeline = main_pipeline();
    let deal = given_deal(&pipeline, None);
    let mut input = request(None);
    input.amount = Some(Amount::parse("250.5").unwrap());

    let events = decide_inbound(Some(&deal), &pipeline, None, &input).unwrap();

    let [DomainEvent::DealUpdated(updated)] = events.as_slice() else { panic!("one deal.updated: {events:?}") };
    assert!(updated.changes.title.is_none());
    let amount = updated.changes.amount.as_ref().unwrap();
    assert_eq!((amount.old.to_string(), amount.new.to_string()), ("15000".into(), "250.5".into()));
}

#[test]
fn given_a_deal_when_a_stage_is_named_then_it_moves_there() {
    let pipeline = main_pipeline();
    let deal = given_deal(&pipeline, None);
    let mut input = request(Some("Acme"));
    (input.stage, input.moves) = (Some(pipeline.find_stage("Qualified").unwrap().id), true);

    let events = decide_inbound(Some(&deal), &pipeline, None, &input).unwrap();

    let [DomainEvent::DealStageChanged(changed)] = events.as_slice() else { panic!("one move: {events:?}") };
    assert_eq!((changed.from.name.as_str(), changed.to.name.as_str()), ("Lead In", "Qualified"));
    assert!(changed.previous_pipeline.is_none());
}

#[test]
fn given_a_deal_when_its_own_stage_is_named_then_it_does_not_move() {
    let pipeline = main_pipeline();
    let deal = given_deal(&pipeline, None);
    let mut input = request(Some("Acme"));
    (input.stage, input.moves) = (Some(deal.stage.id), true);

    let events = decide_inbound(Some(&deal), &pipeline, None, &input).unwrap();

    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn given_a_deal_when_another_pipeline_is_named_then_it_moves_to_that_pipelines_first_stage() {
    let (main, other) = given_pipelines();
    let deal = given_deal(&main, None);
    let mut input = request(Some("Acme"));
    input.moves = true;

    let events = decide_inbound(Some(&deal), &other, None, &input).unwrap();

    let [DomainEvent::DealStageChanged(changed)] = events.as_slice() else { panic!("one move: {events:?}") };
    assert_eq!((changed.pipeline.id, changed.to.id), (PipelineId(2), other.first_stage().unwrap().id));
    assert_eq!(changed.previous_pipeline.as_ref().map(|p| p.id), Some(PipelineId(1)));
}

#[test]
fn given_a_deal_when_a_stage_of_another_pipeline_is_named_then_the_move_is_refused() {
    let (main, other) = given_pipelines();
    let deal = given_deal(&main, None);
    let mut input = request(Some("Acme"));
    (input.stage, input.moves) = (Some(other.first_stage().unwrap().id), true);

    let refused = decide_inbound(Some(&deal), &main, None, &input);

    let stage = other.first_stage().unwrap().id;
    assert_eq!(refused.unwrap_err(), DealError::StageNotInPipeline { stage, pipeline: PipelineId(1) });
}

#[test]
fn given_a_deal_with_the_contact_when_it_is_named_again_then_it_is_not_added_twice() {
    let pipeline = main_pipeline();
    let deal = given_deal(&pipeline, Some(&jane()));

    let events = decide_inbound(Some(&deal), &pipeline, Some(&jane()), &request(Some("Acme"))).unwrap();

    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn given_a_deal_when_fields_a_stage_and_a_new_contact_arrive_then_update_move_and_attach_follow_in_order() {
    let pipeline = main_pipeline();
    let deal = given_deal(&pipeline, None);
    let mut input = request(Some("Acme renewed"));
    (input.stage, input.moves) = (Some(pipeline.find_stage("Proposal Sent").unwrap().id), true);

    let events = decide_inbound(Some(&deal), &pipeline, Some(&jane()), &input).unwrap();

    assert_eq!(event_types(&events), ["deal.updated", "deal.stage_changed", "deal.contact_added"]);
}
