//! What one inbound request came to, and the answer of SPEC §5 it gets: the status code and
//! the JSON body are chosen here, from the outcome, by the route (and by the write unit only to
//! record them: in the request log, and under an idempotency key).

use domain::deal::Deal;
use domain::ids::DealId;

use crate::contacts::ResolvedContact;

/// The write unit's answer to one inbound request.
pub enum InboundOutcome {
    /// A deal was created (201).
    Created(Decided),
    /// A deal was updated, or the request changed nothing (200).
    Updated(Decided),
    /// A repeat of an idempotency key within its window: the first answer, as sent.
    Replayed(Replayed),
}

/// The deal a request created or updated, as it stands after the request's events.
pub struct Decided {
    pub deal: Box<Deal>,
    /// The contact the request named, found or created.
    pub contact: Option<ResolvedContact>,
}

/// The first answer to an idempotency key.
pub struct Replayed {
    pub status: u16,
    /// The JSON body, byte for byte.
    pub body: String,
    pub deal_id: Option<DealId>,
}

impl InboundOutcome {
    /// The status code: 201 for a creation, 200 for an update, the first one for a replay.
    pub fn status(&self) -> u16 {
        match self {
            Self::Created(_) => 201,
            Self::Updated(_) => 200,
            Self::Replayed(replayed) => replayed.status,
        }
    }

    /// What the request came to, as counted in `dealflow_inbound_requests_total`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Created(_) => "created",
            Self::Updated(_) => "updated",
            Self::Replayed(_) => "replayed",
        }
    }

    /// The deal the request created, updated or replayed.
    pub fn deal_id(&self) -> Option<DealId> {
        match self {
            Self::Created(decided) | Self::Updated(decided) => Some(decided.deal.id),
            Self::Replayed(replayed) => replayed.deal_id,
        }
    }

    /// The JSON body (`{deal, contact, created}`), serialised straight from the deal.
    pub fn body(&self) -> String {
        match self {
            Self::Created(decided) => answer_json(decided, true),
            Self::Updated(decided) => answer_json(decided, false),
            Self::Replayed(replayed) => replayed.body.clone(),
        }
    }

    /// The JSON body, without copying a replayed one.
    pub fn into_body(self) -> String {
        match self {
            Self::Replayed(replayed) => replayed.body,
            decided => decided.body(),
        }
    }
}

/// The answer of SPEC §5, serialised straight from the deal (no intermediate JSON tree).
fn answer_json(decided: &Decided, created: bool) -> String {
    #[derive(serde::Serialize)]
    struct Answer<'a> {
        deal: DealSummary<'a>,
        contact: Option<ContactSummary<'a>>,
        created: bool,
    }
    #[derive(serde::Serialize)]
    struct DealSummary<'a> {
        id: DealId,
        title: &'a str,
        amount: domain::values::Amount,
        status: domain::events::DealStatus,
        stage: &'a domain::events::StageRef,
        pipeline: &'a domain::events::PipelineRef,
    }
    #[derive(serde::Serialize)]
    struct ContactSummary<'a> {
        id: domain::ids::ContactId,
        email: &'a str,
        created: bool,
    }
    let deal = &decided.deal;
    let answer = Answer {
        deal: DealSummary {
            id: deal.id,
            title: &deal.title,
            amount: deal.amount,
            status: deal.status,
            stage: &deal.stage,
            pipeline: &deal.pipeline,
        },
        contact: decided.contact.as_ref().map(|c| ContactSummary {
            id: c.snapshot.id,
            email: &c.snapshot.email,
            created: c.created,
        }),
        created,
    };
    serde_json::to_string(&answer).unwrap_or_default()
}
