//! Pipeline commands: create, edit (name and stages), delete.

use api::Fields;
use domain::Metadata;
use domain::events::StageType;
use domain::ids::{IdKind, PipelineId, StageId};
use domain::pipeline::{self, NewPipeline, NewStage, Pipeline, PipelineEdit, PipelineError, StageEdit};
use domain::values::FieldErrors;
use eventlog::{ExpectedVersion, NewEvent, Transaction};
use serde_json::{Map, Value};

use super::{Written, each_object};
use crate::CommandError;
use crate::contacts::check_version;
use crate::streams::PipelineCache;

fn stage_type(fields: &mut Fields<'_>) -> Option<StageType> {
    let text = fields.optional_text("type", 10)?.into_string();
    let parsed = StageType::parse(&text).ok_or("must be open, won or lost");
    fields.check("type", parsed)
}

fn probability(fields: &mut Fields<'_>) -> Option<u8> {
    let value = fields.value("probability")?;
    let parsed = value
        .as_u64()
        .and_then(|p| u8::try_from(p).ok())
        .filter(|p| *p <= 100)
        .ok_or("must be an integer from 0 to 100");
    fields.check("probability", parsed)
}

/// `{name, stages: [{name, type, probability}]}`; at least one stage.
pub fn parse_new(map: &Map<String, Value>) -> Result<NewPipeline, FieldErrors> {
    Fields::parse_object(map, |fields| {
        let name = fields.required_text("name", 255);
        let stages = each_object(fields, "stages", |stage| {
            let name = stage.required_text("name", 255);
            let kind = stage_type(stage).unwrap_or(StageType::Open);
            let probability = probability(stage).unwrap_or(if kind == StageType::Won { 100 } else { 0 });
            Some(NewStage { name: name?, kind, probability })
        });
        let missing = match fields.value("stages") {
            None => true,
            Some(Value::Array(items)) => items.is_empty(),
            Some(_) => false,
        };
        if missing {
            fields.error("stages", "is required: give at least one stage");
        }
        Some(NewPipeline { name: name?, stages: stages.filter(|s| !s.is_empty())? })
    })
}

/// `{name?, stages?: [{id?, name?, type?, probability?}]}`.
pub fn parse_edit(map: &Map<String, Value>) -> Result<PipelineEdit, FieldErrors> {
    Fields::parse_object(map, |fields| {
        let name = fields.optional_text("name", 255);
        let stages = each_object(fields, "stages", |stage| {
            Some(StageEdit {
                id: stage.id::<StageId>("id"),
                name: stage.optional_text("name", 255),
                kind: stage_type(stage),
                probability: probability(stage),
            })
        });
        Some(PipelineEdit { name, stages })
    })
}

fn refused(error: PipelineError) -> CommandError {
    match error {
        PipelineError::Deleted => CommandError::NotFound("the pipeline has been deleted".into()),
        PipelineError::UnknownStage(id) => {
            CommandError::invalid("stages", format!("stage {id} is not a stage of this pipeline"))
        }
        PipelineError::Invalid(errors) => CommandError::Invalid(errors),
    }
}

/// The pipeline, or 404 (also for a deleted one).
pub fn existing(tx: &Transaction<'_>, cache: &PipelineCache, id: PipelineId) -> Result<Pipeline, CommandError> {
    cache
        .load(tx, id)?
        .filter(|p| !p.deleted)
        .ok_or_else(|| CommandError::NotFound(format!("pipeline {id} does not exist")))
}

/// Creates a pipeline with its stages.
pub fn create(
    tx: &mut Transaction<'_>,
    input: NewPipeline,
    metadata: &Metadata,
) -> Result<Written<PipelineId>, CommandError> {
    let id = PipelineId(tx.next_id(IdKind::Pipeline)?);
    let mut ids = tx.ids();
    let events = pipeline::create_pipeline(input, &mut ids);
    ids.finish()?;
    tx.append(&id.stream(), ExpectedVersion::NoStream, &NewEvent::from_domain_all(&events, metadata)?)?;
    Ok(Written { id, position: tx.head() })
}

/// Renames a pipeline and adds, changes or reorders its stages; nothing when nothing changes.
pub fn edit(
    tx: &mut Transaction<'_>,
    cache: &PipelineCache,
    id: PipelineId,
    expected: Option<u64>,
    edit: PipelineEdit,
    metadata: &Metadata,
) -> Result<Written<PipelineId>, CommandError> {
    let pipeline = existing(tx, cache, id)?;
    check_version(&format!("pipeline {id}"), expected, pipeline.version)?;
    let mut ids = tx.ids();
    let events = pipeline::edit_pipeline(&pipeline, edit, &mut ids).map_err(refused)?;
    ids.finish()?;
    append(tx, cache, &pipeline, &events, metadata)?;
    Ok(Written { id, position: tx.head() })
}

/// Deletes a pipeline; its deals stay where they are.
pub fn delete(
    tx: &mut Transaction<'_>,
    cache: &PipelineCache,
    id: PipelineId,
    expected: Option<u64>,
    metadata: &Metadata,
) -> Result<Written<PipelineId>, CommandError> {
    let pipeline = existing(tx, cache, id)?;
    check_version(&format!("pipeline {id}"), expected, pipeline.version)?;
    let events = pipeline::delete_pipeline(&pipeline).map_err(refused)?;
    append(tx, cache, &pipeline, &events, metadata)?;
    Ok(Written { id, position: tx.head() })
}

fn append(
    tx: &mut Transaction<'_>,
    cache: &PipelineCache,
    pipeline: &Pipeline,
    events: &[domain::DomainEvent],
    metadata: &Metadata,
) -> Result<(), CommandError> {
    if events.is_empty() {
        return Ok(());
    }
    cache.forget(pipeline.id);
    let expected = ExpectedVersion::Exact(pipeline.version);
    tx.append(&pipeline.id.stream(), expected, &NewEvent::from_domain_all(events, metadata)?)?;
    Ok(())
}
