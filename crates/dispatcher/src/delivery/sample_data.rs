//! The made-up histories behind test items when the log has no event for a trigger: SPEC §7's
//! example deal (Acme Corp - Enterprise Plan, 15,000 USD, in the seed pipeline's stages) and the
//! contact Jane Doe. Each history is the events a real deal or contact would have, ending with one
//! that fires the trigger, so folding it gives what a real item is built from.

use chrono::NaiveDate;
use domain::DomainEvent;
use domain::events::{
    ContactChanges, ContactCreated, ContactSnapshot, ContactUpdated, DealChanges, DealContactAdded, DealCreated,
    DealNoteAdded, DealStageChanged, DealStatus, DealTaskAdded, DealTaskCompleted, DealUpdated, NoteData, PipelineRef,
    StageRef, StageType, TaskData,
};
use domain::ids::{ContactId, DealId, NoteId, PipelineId, StageId, TaskId};
use domain::values::{Amount, Change, Currency};

/// The sample deal's id.
pub const DEAL: DealId = DealId(42);
/// The sample contact's id.
pub const CONTACT: ContactId = ContactId(1);

/// A short history whose last event fires `trigger` (SPEC §7's example deal, or Jane Doe).
pub fn history(trigger: &str) -> Vec<DomainEvent> {
    let (qualified, proposal, negotiation) = (
        stage(2, "Qualified", StageType::Open),
        stage(3, "Proposal Sent", StageType::Open),
        stage(4, "Negotiation", StageType::Open),
    );
    match trigger {
        "mautic.lead_post_save_new" => vec![contact_created(Some("Acme Corp"))],
        "mautic.lead_post_save_update" => vec![
            contact_created(None),
            DomainEvent::ContactUpdated(ContactUpdated {
                changes: ContactChanges {
                    company: Change::between(None, Some("Acme Corp".into())),
                    ..Default::default()
                },
            }),
        ],
        "dealflow.deal.created" => vec![deal_created(proposal, "15000")],
        "dealflow.deal.updated" => vec![
            deal_created(proposal, "12000"),
            DomainEvent::DealUpdated(DealUpdated {
                changes: DealChanges {
                    amount: Change::between(amount("12000"), amount("15000")),
                    ..Default::default()
                },
            }),
        ],
        "dealflow.deal.won" => {
            vec![deal_created(negotiation.clone(), "15000"), moved(negotiation, stage(5, "Won", StageType::Won))]
        }
        "dealflow.deal.lost" => {
            vec![deal_created(negotiation.clone(), "15000"), moved(negotiation, stage(6, "Lost", StageType::Lost))]
        }
        "dealflow.deal.contact_added" => vec![
            deal_created(proposal, "15000"),
            DomainEvent::DealContactAdded(DealContactAdded { contact: snapshot() }),
        ],
        "dealflow.deal.note_added" => vec![
            deal_created(proposal, "15000"),
            DomainEvent::DealNoteAdded(DealNoteAdded {
                note: NoteData { id: NoteId(1), text: "Sent the proposal".into() },
            }),
        ],
        "dealflow.deal.task_completed" => vec![
            deal_created(proposal, "15000"),
            DomainEvent::DealTaskAdded(DealTaskAdded {
                task: TaskData {
                    id: TaskId(1),
                    title: "Follow up".into(),
                    due_date: NaiveDate::from_ymd_opt(2026, 6, 30),
                },
            }),
            DomainEvent::DealTaskCompleted(DealTaskCompleted { task_id: TaskId(1) }),
        ],
        _ => vec![deal_created(qualified.clone(), "15000"), moved(qualified, proposal)],
    }
}

fn stage(id: u64, name: &str, kind: StageType) -> StageRef {
    StageRef { id: StageId(id), name: name.into(), kind }
}

fn amount(text: &str) -> Amount {
    Amount::parse(text).unwrap_or(Amount::ZERO)
}

fn pipeline() -> PipelineRef {
    PipelineRef { id: PipelineId(1), name: "Main Pipeline".into() }
}

fn deal_created(stage: StageRef, value: &str) -> DomainEvent {
    DomainEvent::DealCreated(DealCreated {
        title: "Acme Corp - Enterprise Plan".into(),
        amount: amount(value),
        currency: Currency::USD,
        close_date: NaiveDate::from_ymd_opt(2026, 6, 30),
        status: DealStatus::of_stage(stage.kind),
        pipeline: pipeline(),
        stage,
        custom_fields: Default::default(),
        source_id: None,
        external_id: None,
    })
}

fn moved(from: StageRef, to: StageRef) -> DomainEvent {
    let status = DealStatus::of_stage(to.kind);
    DomainEvent::DealStageChanged(DealStageChanged { from, to, pipeline: pipeline(), previous_pipeline: None, status })
}

fn snapshot() -> ContactSnapshot {
    ContactSnapshot {
        id: CONTACT,
        email: "jane.doe@example.com".into(),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        company: Some("Acme Corp".into()),
    }
}

fn contact_created(company: Option<&str>) -> DomainEvent {
    let jane = snapshot();
    DomainEvent::ContactCreated(ContactCreated {
        email: jane.email,
        first_name: jane.first_name,
        last_name: jane.last_name,
        company: company.map(str::to_owned),
    })
}
