//! The write unit of one inbound request: runs on the writer thread, so its look-ups and the
//! appends they lead to cannot interleave with another request's.

use std::time::Duration;

use domain::Metadata;
use domain::deal::{Deal, DealEdit, NewDeal, add_contact, create_deal, edit_deal, move_deal};
use domain::events::{DomainEvent, InboundReceived};
use domain::ids::{DealId, IdKind, PipelineId, SourceId};
use domain::pipeline::Pipeline;
use domain::values::{Currency, CustomFields, FieldErrors};
use eventlog::{ExpectedVersion, NewEvent, Transaction};

use super::idempotency::{self, StoredAnswer};
use super::payload::InboundPayload;
use crate::CommandError;
use crate::contacts::{self, ResolvedContact};
use crate::lookups::{claim_external_id, deal_by_external_id};
use crate::request_log;
use crate::streams::{PipelineCache, evolve_deal, load_deal};

/// One verified inbound request, parsed.
pub struct InboundRequest {
    pub source_id: SourceId,
    pub default_pipeline_id: PipelineId,
    pub payload: InboundPayload,
    /// Problems found while parsing; reported together with those found while deciding.
    pub payload_errors: FieldErrors,
    pub idempotency_key: Option<String>,
    /// Of the JSON text: decoded and without a byte-order mark, so that a retry compressed anew
    /// (gzip stores a time) is still the same body for its idempotency key.
    pub body_sha256: String,
    pub size: u64,
    /// What the source's mapping noted (e.g. a stage-table miss), for the request log.
    pub notes: Vec<String>,
    pub default_currency: Currency,
    pub idempotency_window: Duration,
    pub metadata: Metadata,
}

/// The answer to send. Its JSON is built off the writer thread unless it had to be stored for
/// an idempotency key.
pub struct InboundAnswer {
    pub status: u16,
    /// True when this repeats the first answer to the same idempotency key.
    pub replayed: bool,
    /// The log's head when the unit ran: everything the answer shows is at or before it.
    pub position: u64,
    /// The deal the request created, updated or replayed.
    pub deal_id: Option<DealId>,
    body: Body,
}

enum Body {
    Json(String),
    Decided { deal: Box<Deal>, contact: Option<ResolvedContact>, created: bool },
}

impl InboundAnswer {
    /// What the request came to, as counted in `dealflow_inbound_requests_total`.
    pub fn outcome(&self) -> &'static str {
        match (self.replayed, self.status) {
            (true, _) => "replayed",
            (false, 201) => "created",
            (false, _) => "updated",
        }
    }

    /// The JSON body.
    pub fn into_body(self) -> String {
        match self.body {
            Body::Json(json) => json,
            Body::Decided { deal, contact, created } => answer_json(&deal, contact.as_ref(), created),
        }
    }
}

/// Decides and appends what one inbound request asks for, and records it in the source's
/// request log in the same transaction.
pub fn receive(
    tx: &mut Transaction<'_>,
    pipelines: &PipelineCache,
    request: InboundRequest,
) -> Result<InboundAnswer, CommandError> {
    let answer = decide(tx, pipelines, &request)?;
    request_log::store::insert(tx.sql(), &log_entry(tx, &request, &answer))?;
    Ok(answer)
}

/// The request log's row of a request the unit answered.
fn log_entry(tx: &Transaction<'_>, request: &InboundRequest, answer: &InboundAnswer) -> request_log::Entry {
    let outcome = match answer.outcome() {
        "replayed" => request_log::Outcome::Replayed,
        "created" => request_log::Outcome::Created,
        _ => request_log::Outcome::Updated,
    };
    let reason = match (&request.idempotency_key, answer.replayed) {
        (Some(key), true) => Some(request_log::classify::duplicate(key)),
        _ if !request.notes.is_empty() => Some(request.notes.join("; ")),
        _ => None,
    };
    request_log::Entry {
        source_id: request.source_id,
        received_at: tx.recorded_at(),
        status: answer.status,
        outcome,
        reason,
        body_size: Some(request.size),
        idempotency_key: request.idempotency_key.clone(),
        deal_id: answer.deal_id,
    }
}

fn decide(
    tx: &mut Transaction<'_>,
    pipelines: &PipelineCache,
    request: &InboundRequest,
) -> Result<InboundAnswer, CommandError> {
    if let Some(answer) = earlier_answer(tx, request)? {
        return Ok(answer);
    }
    let existing = existing_deal(tx, request)?;
    let target = resolve_target(tx, pipelines, request, existing.as_ref())?;
    let contact = match request.payload.contact.clone() {
        Some(input) => Some(contacts::find_or_create(tx, input, &request.metadata)?),
        None => None,
    };
    let created = existing.is_none();
    let (deal, deal_changed) = match existing {
        Some(deal) => update(tx, request, &target, deal, contact.as_ref())?,
        None => (create(tx, request, &target, contact.as_ref())?, true),
    };
    if deal_changed || contact.as_ref().is_some_and(|c| c.created) {
        record_receipt(tx, request, deal.id, contact.as_ref(), created)?;
    }
    let status = if created { 201 } else { 200 };
    let deal_id = Some(deal.id);
    let body = match &request.idempotency_key {
        Some(key) => Body::Json(remember(tx, request, key, status, answer_json(&deal, contact.as_ref(), created))?),
        None => Body::Decided { deal: Box::new(deal), contact, created },
    };
    Ok(InboundAnswer { status, replayed: false, position: tx.head(), deal_id, body })
}

fn earlier_answer(tx: &Transaction<'_>, request: &InboundRequest) -> Result<Option<InboundAnswer>, CommandError> {
    let Some(key) = &request.idempotency_key else { return Ok(None) };
    let Some(stored) = idempotency::find(tx.sql(), request.source_id, key)? else { return Ok(None) };
    let window = i64::try_from(request.idempotency_window.as_micros()).unwrap_or(i64::MAX);
    if stored.created_at < tx.recorded_at().timestamp_micros().saturating_sub(window) {
        return Ok(None);
    }
    if stored.body_sha256 != request.body_sha256 {
        return Err(CommandError::invalid(
            "Idempotency-Key",
            "this key was already used for a different body; use a new key for a new request",
        ));
    }
    Ok(Some(InboundAnswer {
        status: stored.status,
        deal_id: deal_of(&stored.response),
        body: Body::Json(stored.response),
        replayed: true,
        position: tx.head(),
    }))
}

/// The deal id of a stored answer (`{"deal": {"id": …}}`).
fn deal_of(answer: &str) -> Option<DealId> {
    #[derive(serde::Deserialize)]
    struct Answer {
        deal: Id,
    }
    #[derive(serde::Deserialize)]
    struct Id {
        id: DealId,
    }
    serde_json::from_str::<Answer>(answer).ok().map(|answer| answer.deal.id)
}

fn existing_deal(tx: &Transaction<'_>, request: &InboundRequest) -> Result<Option<Deal>, CommandError> {
    let Some(external_id) = &request.payload.external_id else { return Ok(None) };
    match deal_by_external_id(tx.sql(), request.source_id, external_id)? {
        Some(id) => Ok(load_deal(tx, id)?),
        None => Ok(None),
    }
}

/// Where the deal goes: the pipeline (given, the deal's own, or the source's default) and the
/// stage asked for, if any. Reports every problem together with the payload's own.
struct Target {
    pipeline: Pipeline,
    stage: Option<domain::ids::StageId>,
    /// True when the request names a pipeline or stage, i.e. asks for a move.
    moves: bool,
}

fn resolve_target(
    tx: &Transaction<'_>,
    pipelines: &PipelineCache,
    request: &InboundRequest,
    existing: Option<&Deal>,
) -> Result<Target, CommandError> {
    let payload = &request.payload;
    let mut errors = request.payload_errors.clone();
    if existing.is_none() && payload.title.is_none() && !errors.fields().any(|f| f == "title") {
        errors.add("title", "is required when creating a deal");
    }
    let pipeline_id =
        payload.pipeline_id.or(existing.map(|deal| deal.pipeline.id)).unwrap_or(request.default_pipeline_id);
    let pipeline = pipelines.load(tx, pipeline_id)?.filter(|p| !p.deleted);
    if pipeline.is_none() && !errors.fields().any(|f| f == "pipeline_id") {
        errors.add("pipeline_id", format!("pipeline {pipeline_id} does not exist"));
    }
    let stage = match (&pipeline, &payload.stage) {
        (Some(pipeline), Some(wanted)) => match pipeline.find_stage(wanted) {
            Some(stage) => Some(stage.id),
            None => {
                errors
                    .add("stage", format!("pipeline {pipeline_id} has no stage {wanted:?} (give a stage id or name)"));
                None
            }
        },
        _ => None,
    };
    match pipeline {
        Some(pipeline) if errors.is_empty() => {
            Ok(Target { pipeline, stage, moves: payload.pipeline_id.is_some() || payload.stage.is_some() })
        }
        _ => Err(CommandError::Invalid(errors)),
    }
}

fn create(
    tx: &mut Transaction<'_>,
    request: &InboundRequest,
    target: &Target,
    contact: Option<&ResolvedContact>,
) -> Result<Deal, CommandError> {
    let payload = &request.payload;
    let Some(title) = payload.title.clone() else { return Err(CommandError::invalid("title", "is required")) };
    let new = NewDeal {
        title,
        amount: payload.amount.unwrap_or_default(),
        currency: payload.currency.unwrap_or(request.default_currency),
        close_date: payload.close_date.flatten(),
        stage_id: target.stage,
        custom_fields: payload.custom_fields.as_ref().map(|p| CustomFields::default().patched(p)).unwrap_or_default(),
        source_id: Some(request.source_id),
        external_id: payload.external_id.clone(),
        contacts: contact.map(|c| c.snapshot.clone()).into_iter().collect(),
    };
    let events = create_deal(&target.pipeline, new).map_err(|e| CommandError::invalid("stage", e.to_string()))?;
    let id = DealId(tx.next_id(IdKind::Deal)?);
    tx.append(&id.stream(), ExpectedVersion::NoStream, &NewEvent::from_domain_all(&events, &request.metadata)?)?;
    if let Some(external_id) = &payload.external_id {
        claim_external_id(tx.sql(), request.source_id, external_id, id)?;
    }
    evolve_deal(None, id, &events, 1, tx, &request.metadata.actor)
        .ok_or_else(|| CommandError::NotFound(format!("deal {id}")))
}

fn update(
    tx: &mut Transaction<'_>,
    request: &InboundRequest,
    target: &Target,
    deal: Deal,
    contact: Option<&ResolvedContact>,
) -> Result<(Deal, bool), CommandError> {
    let payload = &request.payload;
    let edit = DealEdit {
        title: payload.title.clone(),
        amount: payload.amount,
        currency: payload.currency,
        close_date: payload.close_date,
        custom_fields: payload.custom_fields.clone(),
    };
    let mut events = edit_deal(&deal, &edit);
    if target.moves {
        let moved = move_deal(&deal, &target.pipeline, target.stage)
            .map_err(|e| CommandError::invalid("stage", e.to_string()))?;
        events.extend(moved);
    }
    if let Some(contact) = contact {
        events.extend(add_contact(&deal, contact.snapshot.clone()));
    }
    if events.is_empty() {
        return Ok((deal, false));
    }
    let (id, version) = (deal.id, deal.version);
    tx.append(&id.stream(), ExpectedVersion::Exact(version), &NewEvent::from_domain_all(&events, &request.metadata)?)?;
    let deal = evolve_deal(Some(deal), id, &events, version + 1, tx, &request.metadata.actor);
    Ok((deal.ok_or_else(|| CommandError::NotFound(format!("deal {id}")))?, true))
}

fn record_receipt(
    tx: &mut Transaction<'_>,
    request: &InboundRequest,
    deal_id: DealId,
    contact: Option<&ResolvedContact>,
    created: bool,
) -> Result<(), CommandError> {
    let received = DomainEvent::InboundReceived(InboundReceived {
        body_sha256: request.body_sha256.clone(),
        size: request.size,
        idempotency_key: request.idempotency_key.clone(),
        deal_id,
        contact_id: contact.map(|c| c.snapshot.id),
        created,
    });
    // High-traffic stream without a concurrency check (SPEC §2).
    tx.append(
        &request.source_id.stream(),
        ExpectedVersion::Any,
        &[NewEvent::from_domain(&received, &request.metadata)?],
    )?;
    Ok(())
}

/// The answer of SPEC §5, serialised straight from the deal (no intermediate JSON tree).
fn answer_json(deal: &Deal, contact: Option<&ResolvedContact>, created: bool) -> String {
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
    let answer = Answer {
        deal: DealSummary {
            id: deal.id,
            title: &deal.title,
            amount: deal.amount,
            status: deal.status,
            stage: &deal.stage,
            pipeline: &deal.pipeline,
        },
        contact: contact.map(|c| ContactSummary { id: c.snapshot.id, email: &c.snapshot.email, created: c.created }),
        created,
    };
    serde_json::to_string(&answer).unwrap_or_default()
}

/// Stores the answer under the request's idempotency key and gives it back.
fn remember(
    tx: &Transaction<'_>,
    request: &InboundRequest,
    key: &str,
    status: u16,
    body: String,
) -> Result<String, CommandError> {
    let stored = StoredAnswer {
        body_sha256: request.body_sha256.clone(),
        status,
        response: body,
        created_at: tx.recorded_at().timestamp_micros(),
    };
    idempotency::save(tx.sql(), request.source_id, key, &stored)?;
    Ok(stored.response)
}
