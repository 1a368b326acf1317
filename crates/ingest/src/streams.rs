//! Loading aggregates inside a write unit by folding their streams, and appending a deal's
//! decided events (the inbound and the admin paths both load and append deals through here).
//! Pipelines are read by every inbound request, so their folds are cached and reused while the
//! stream's version is unchanged.

use std::collections::HashMap;
use std::sync::Mutex;

use domain::contact::Contact;
use domain::deal::Deal;
use domain::ids::{ContactId, DealId, PipelineId};
use domain::pipeline::Pipeline;
use domain::{DomainEvent, EventContext, Metadata};
use eventlog::{ExpectedVersion, NewEvent, StorageError, Transaction};

use crate::CommandError;

/// A stream's events decoded, with what folds need of each.
fn decoded(tx: &Transaction<'_>, stream: &str) -> Result<Vec<(DomainEvent, EventContext)>, StorageError> {
    tx.read_stream(stream, 1)?.iter().map(|event| Ok((event.decode()?, event.context()?))).collect()
}

/// The deal as it stands in this transaction.
pub fn load_deal(tx: &Transaction<'_>, id: DealId) -> Result<Option<Deal>, StorageError> {
    let events = decoded(tx, id.stream().as_str())?;
    Ok(Deal::fold(id, events.iter().map(|(e, c)| (e, c))))
}

/// Appends a deal's decided events: to a new stream when `version` is `None`, else to the
/// stream at that version (409 when it has moved on). Nothing when `events` is empty.
pub fn append_deal(
    tx: &mut Transaction<'_>,
    id: DealId,
    version: Option<u64>,
    events: &[DomainEvent],
    metadata: &Metadata,
) -> Result<(), CommandError> {
    if events.is_empty() {
        return Ok(());
    }
    let expected = version.map_or(ExpectedVersion::NoStream, ExpectedVersion::Exact);
    tx.append(&id.stream(), expected, &NewEvent::from_domain_all(events, metadata)?)?;
    Ok(())
}

/// The deal after events this unit just appended at versions `first_version`, … (folded in
/// memory rather than read back).
pub fn evolve_deal(
    deal: Option<Deal>,
    id: DealId,
    events: &[DomainEvent],
    first_version: u64,
    tx: &Transaction<'_>,
    actor: &domain::Actor,
) -> Option<Deal> {
    events.iter().zip(first_version..).fold(deal, |deal, (event, version)| {
        let context = EventContext { version, recorded_at: tx.recorded_at(), actor: actor.clone() };
        Deal::evolve(deal, id, event, &context)
    })
}

/// The contact as it stands in this transaction.
pub fn load_contact(tx: &Transaction<'_>, id: ContactId) -> Result<Option<Contact>, StorageError> {
    let events = decoded(tx, id.stream().as_str())?;
    Ok(Contact::fold(id, events.iter().map(|(e, c)| (e, c))))
}

/// Folded pipelines by id, valid while their stream's version is unchanged. Only the writer
/// thread uses it, so the lock is never contended.
#[derive(Default)]
pub struct PipelineCache {
    folded: Mutex<HashMap<PipelineId, Pipeline>>,
}

impl PipelineCache {
    /// The pipeline as it stands in this transaction. Call [`PipelineCache::forget`] after
    /// appending to a pipeline: a rolled-back append must not leave its fold behind.
    pub fn load(&self, tx: &Transaction<'_>, id: PipelineId) -> Result<Option<Pipeline>, StorageError> {
        let Some(version) = tx.stream_version(id.stream().as_str())? else { return Ok(None) };
        if let Some(cached) = self.lock().get(&id).filter(|p| p.version == version) {
            return Ok(Some(cached.clone()));
        }
        let events = decoded(tx, id.stream().as_str())?;
        let pipeline = Pipeline::fold(id, events.iter().map(|(e, c)| (e, c.version)));
        if let Some(pipeline) = &pipeline {
            self.lock().insert(id, pipeline.clone());
        }
        Ok(pipeline)
    }

    /// Drops a pipeline's fold.
    pub fn forget(&self, id: PipelineId) {
        self.lock().remove(&id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PipelineId, Pipeline>> {
        self.folded.lock().unwrap_or_else(|p| p.into_inner())
    }
}
