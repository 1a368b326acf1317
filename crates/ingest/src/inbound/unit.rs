//! The write unit of one inbound request: runs on the writer thread, so its look-ups and the
//! appends they lead to cannot interleave with another request's. Its steps: replay an earlier
//! answer to the idempotency key, or load the deal and its target, find or create the contact,
//! decide with [`decide_inbound`], append the deal's events and the source's receipt; then
//! record the request in the source's log. The answer's status and body are the route's.

use std::time::Duration;

use domain::Metadata;
use domain::deal::{Deal, InboundDeal, decide_inbound};
use domain::events::{DomainEvent, InboundReceived};
use domain::ids::{DealId, IdKind, PipelineId, SourceId};
use domain::values::{Currency, FieldErrors};
use eventlog::{ExpectedVersion, NewEvent, Transaction};

use super::idempotency::{self, KeyedRequest};
use super::outcome::{Decided, InboundOutcome};
use super::payload::InboundPayload;
use super::target::{self, Target};
use crate::CommandError;
use crate::contacts::{self, ResolvedContact};
use crate::lookups::{claim_external_id, deal_by_external_id};
use crate::refusals::{DealFields, deal_refused};
use crate::request_log;
use crate::streams::{PipelineCache, append_deal, evolve_deal, load_deal};

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

/// What the unit answers: the request's outcome, and the log's head when the unit ran
/// (everything the answer shows is at or before it).
pub struct Received {
    pub outcome: InboundOutcome,
    pub position: u64,
}

impl InboundRequest {
    fn keyed(&self) -> Option<KeyedRequest<'_>> {
        let key = self.idempotency_key.as_deref()?;
        Some(KeyedRequest { source_id: self.source_id, key, body_sha256: &self.body_sha256 })
    }
}

/// Decides and appends what one inbound request asks for, and records it in the source's
/// request log in the same transaction.
pub fn receive(
    tx: &mut Transaction<'_>,
    pipelines: &PipelineCache,
    request: InboundRequest,
) -> Result<Received, CommandError> {
    let replayed = match request.keyed() {
        Some(keyed) => idempotency::earlier_answer(tx, &keyed, request.idempotency_window)?,
        None => None,
    };
    let outcome = match replayed {
        Some(replayed) => replayed,
        None => write_deal(tx, pipelines, &request)?,
    };
    let position = tx.head();
    request_log::store::insert(tx.sql(), &log_entry(tx, &request, &outcome))?;
    Ok(Received { outcome, position })
}

/// The request's deal (and contact) decided and appended, its receipt recorded, and its answer
/// remembered under its idempotency key.
fn write_deal(
    tx: &mut Transaction<'_>,
    pipelines: &PipelineCache,
    request: &InboundRequest,
) -> Result<InboundOutcome, CommandError> {
    let existing = existing_deal(tx, request)?;
    let payload = (&request.payload, &request.payload_errors);
    let target = target::resolve(tx, pipelines, payload, request.default_pipeline_id, existing.as_ref())?;
    let contact = match request.payload.contact.clone() {
        Some(input) => Some(contacts::find_or_create(tx, input, &request.metadata)?),
        None => None,
    };
    let snapshot = contact.as_ref().map(|c| &c.snapshot);
    let events = decide_inbound(existing.as_ref(), &target.pipeline, snapshot, &deal_input(request, &target))
        .map_err(|error| deal_refused(error, DealFields::INBOUND))?;
    let created = existing.is_none();
    let changed = !events.is_empty() || contact.as_ref().is_some_and(|c| c.created);
    let deal = save_deal(tx, request, existing, &events)?;
    if changed {
        record_receipt(tx, request, deal.id, contact.as_ref(), created)?;
    }
    let decided = Decided { deal: Box::new(deal), contact };
    let outcome = if created { InboundOutcome::Created(decided) } else { InboundOutcome::Updated(decided) };
    if let Some(keyed) = request.keyed() {
        idempotency::remember(tx, &keyed, &outcome)?;
    }
    Ok(outcome)
}

fn existing_deal(tx: &Transaction<'_>, request: &InboundRequest) -> Result<Option<Deal>, CommandError> {
    let Some(external_id) = &request.payload.external_id else { return Ok(None) };
    match deal_by_external_id(tx.sql(), request.source_id, external_id)? {
        Some(id) => Ok(load_deal(tx, id)?),
        None => Ok(None),
    }
}

/// The request as the domain decision takes it.
fn deal_input(request: &InboundRequest, target: &Target) -> InboundDeal {
    let payload = &request.payload;
    InboundDeal {
        title: payload.title.clone(),
        amount: payload.amount,
        currency: payload.currency,
        close_date: payload.close_date,
        custom_fields: payload.custom_fields.clone(),
        external_id: payload.external_id.clone(),
        source_id: request.source_id,
        default_currency: request.default_currency,
        stage: target.stage,
        moves: target.moves,
    }
}

/// Appends the deal's events (a new deal claims its external id) and answers the deal with them
/// folded in.
fn save_deal(
    tx: &mut Transaction<'_>,
    request: &InboundRequest,
    existing: Option<Deal>,
    events: &[DomainEvent],
) -> Result<Deal, CommandError> {
    let (id, version) = match &existing {
        Some(deal) => (deal.id, Some(deal.version)),
        None => (DealId(tx.next_id(IdKind::Deal)?), None),
    };
    append_deal(tx, id, version, events, &request.metadata)?;
    if let (None, Some(external_id)) = (version, &request.payload.external_id) {
        claim_external_id(tx.sql(), request.source_id, external_id, id)?;
    }
    let first_version = version.map_or(1, |v| v + 1);
    evolve_deal(existing, id, events, first_version, tx, &request.metadata.actor)
        .ok_or_else(|| CommandError::NotFound(format!("deal {id}")))
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

/// The request log's row of a request the unit answered.
fn log_entry(tx: &Transaction<'_>, request: &InboundRequest, outcome: &InboundOutcome) -> request_log::Entry {
    let (logged, replayed) = match outcome {
        InboundOutcome::Created(_) => (request_log::Outcome::Created, false),
        InboundOutcome::Updated(_) => (request_log::Outcome::Updated, false),
        InboundOutcome::Replayed(_) => (request_log::Outcome::Replayed, true),
    };
    let reason = match (&request.idempotency_key, replayed) {
        (Some(key), true) => Some(request_log::classify::duplicate(key)),
        _ if !request.notes.is_empty() => Some(request.notes.join("; ")),
        _ => None,
    };
    request_log::Entry {
        source_id: request.source_id,
        received_at: tx.recorded_at(),
        status: outcome.status(),
        outcome: logged,
        reason,
        body_size: Some(request.size),
        idempotency_key: request.idempotency_key.clone(),
        deal_id: outcome.deal_id(),
    }
}
