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
use serde_json::{Value, json};

use super::idempotency::{self, StoredAnswer};
use super::payload::InboundPayload;
use crate::CommandError;
use crate::contacts::{self, ResolvedContact};
use crate::lookups::{claim_external_id, deal_by_external_id};
use crate::streams::{PipelineCache, evolve_deal, load_deal};

/// One verified inbound request, parsed.
pub struct InboundRequest {
    pub source_id: SourceId,
    pub default_pipeline_id: PipelineId,
    pub payload: InboundPayload,
    /// Problems found while parsing; reported together with those found while deciding.
    pub payload_errors: FieldErrors,
    pub idempotency_key: Option<String>,
    pub body_sha256: String,
    pub size: u64,
    pub default_currency: Currency,
    pub idempotency_window: Duration,
    pub metadata: Metadata,
}

/// The answer to send: status and JSON body.
pub struct InboundAnswer {
    pub status: u16,
    pub body: String,
    /// True when this repeats the first answer to the same idempotency key.
    pub replayed: bool,
}

/// Decides and appends what one inbound request asks for.
pub fn receive(
    tx: &mut Transaction<'_>,
    pipelines: &PipelineCache,
    request: InboundRequest,
) -> Result<InboundAnswer, CommandError> {
    if let Some(answer) = earlier_answer(tx, &request)? {
        return Ok(answer);
    }
    let existing = existing_deal(tx, &request)?;
    let target = resolve_target(tx, pipelines, &request, existing.as_ref())?;
    let contact = match request.payload.contact.clone() {
        Some(input) => Some(contacts::find_or_create(tx, input, &request.metadata)?),
        None => None,
    };
    let created = existing.is_none();
    let (deal, deal_changed) = match existing {
        Some(deal) => update(tx, &request, &target, deal, contact.as_ref())?,
        None => (create(tx, &request, &target, contact.as_ref())?, true),
    };
    if deal_changed || contact.as_ref().is_some_and(|c| c.created) {
        record_receipt(tx, &request, deal.id, contact.as_ref(), created)?;
    }
    let answer = answer(&deal, contact.as_ref(), created);
    remember(tx, &request, &answer)?;
    Ok(answer)
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
    Ok(Some(InboundAnswer { status: stored.status, body: stored.response, replayed: true }))
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

fn answer(deal: &Deal, contact: Option<&ResolvedContact>, created: bool) -> InboundAnswer {
    let contact: Value = match contact {
        Some(c) => json!({ "id": c.snapshot.id, "email": c.snapshot.email, "created": c.created }),
        None => Value::Null,
    };
    let body = json!({
        "deal": {
            "id": deal.id,
            "title": deal.title,
            "amount": deal.amount,
            "status": deal.status,
            "stage": deal.stage,
            "pipeline": deal.pipeline,
        },
        "contact": contact,
        "created": created,
    });
    InboundAnswer { status: if created { 201 } else { 200 }, body: body.to_string(), replayed: false }
}

fn remember(tx: &Transaction<'_>, request: &InboundRequest, answer: &InboundAnswer) -> Result<(), CommandError> {
    let Some(key) = &request.idempotency_key else { return Ok(()) };
    let stored = StoredAnswer {
        body_sha256: request.body_sha256.clone(),
        status: answer.status,
        response: answer.body.clone(),
        created_at: tx.recorded_at().timestamp_micros(),
    };
    idempotency::save(tx.sql(), request.source_id, key, &stored)?;
    Ok(())
}
