use crate::events::*;
use crate::ids::{IdAllocator, IdKind, StageId};
use crate::values::{BoundedText, Change, FieldErrors};

use super::Pipeline;

/// Why a pipeline command was refused.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("the pipeline has been deleted")]
    Deleted,
    #[error("stage {0} does not belong to this pipeline")]
    UnknownStage(StageId),
    #[error("invalid pipeline: {0}")]
    Invalid(FieldErrors),
}

/// A stage to create.
#[derive(Clone, Debug)]
pub struct NewStage {
    pub name: BoundedText,
    pub kind: StageType,
    pub probability: u8,
}

/// A pipeline to create.
#[derive(Clone, Debug)]
pub struct NewPipeline {
    pub name: BoundedText,
    pub stages: Vec<NewStage>,
}

/// Changes to one stage, or a new stage when `id` is none.
#[derive(Clone, Debug, Default)]
pub struct StageEdit {
    pub id: Option<StageId>,
    pub name: Option<BoundedText>,
    pub kind: Option<StageType>,
    pub probability: Option<u8>,
}

/// Changes to a pipeline. When `stages` is given, the listed stages take positions 1, 2, …
/// in the order given, and unlisted stages follow in their current order.
#[derive(Clone, Debug, Default)]
pub struct PipelineEdit {
    pub name: Option<BoundedText>,
    pub stages: Option<Vec<StageEdit>>,
}

/// The pipeline every database starts with (SPEC §3).
pub fn default_pipeline() -> NewPipeline {
    let stage = |name: &str, kind, probability| NewStage {
        name: BoundedText::parse(name, 255).unwrap_or_else(|_| unreachable!("constant stage names are valid")),
        kind,
        probability,
    };
    NewPipeline {
        name: BoundedText::parse("Main Pipeline", 255).unwrap_or_else(|_| unreachable!("constant name is valid")),
        stages: vec![
            stage("Lead In", StageType::Open, 10),
            stage("Qualified", StageType::Open, 25),
            stage("Proposal Sent", StageType::Open, 50),
            stage("Negotiation", StageType::Open, 75),
            stage("Won", StageType::Won, 100),
            stage("Lost", StageType::Lost, 0),
        ],
    }
}

/// Decides the creation of a pipeline with its stages.
pub fn create_pipeline(input: NewPipeline, ids: &mut dyn IdAllocator) -> Vec<DomainEvent> {
    let stages = input
        .stages
        .into_iter()
        .zip(1..)
        .map(|(stage, position)| Stage {
            id: StageId(ids.next_id(IdKind::Stage)),
            name: stage.name.into_string(),
            kind: stage.kind,
            probability: stage.probability,
            position,
        })
        .collect();
    vec![DomainEvent::PipelineCreated(PipelineCreated { name: input.name.into_string(), stages })]
}

/// Decides the events of a pipeline edit; none when nothing changes.
pub fn edit_pipeline(
    pipeline: &Pipeline,
    edit: PipelineEdit,
    ids: &mut dyn IdAllocator,
) -> Result<Vec<DomainEvent>, PipelineError> {
    if pipeline.deleted {
        return Err(PipelineError::Deleted);
    }
    let mut events = Vec::new();
    if let Some(name) = edit.name.map(BoundedText::into_string)
        && let Some(change) = Change::between(pipeline.name.clone(), name)
    {
        events.push(DomainEvent::PipelineUpdated(PipelineUpdated { changes: PipelineChanges { name: Some(change) } }));
    }
    if let Some(stage_edits) = edit.stages {
        events.extend(edit_stages(pipeline, stage_edits, ids)?);
    }
    Ok(events)
}

fn edit_stages(
    pipeline: &Pipeline,
    edits: Vec<StageEdit>,
    ids: &mut dyn IdAllocator,
) -> Result<Vec<DomainEvent>, PipelineError> {
    let listed: Vec<StageId> = edits.iter().filter_map(|e| e.id).collect();
    let unlisted = pipeline.stages.iter().filter(|s| !listed.contains(&s.id));
    let listed_count = u32::try_from(edits.len()).unwrap_or(u32::MAX);
    let mut events = Vec::new();
    for (edit, position) in edits.into_iter().zip(1..) {
        events.push(match edit.id {
            Some(id) => {
                let stage = pipeline.stage(id).ok_or(PipelineError::UnknownStage(id))?;
                match stage_changes(stage, edit, position) {
                    Some(changes) => DomainEvent::PipelineStageUpdated(PipelineStageUpdated { stage_id: id, changes }),
                    None => continue,
                }
            }
            None => DomainEvent::PipelineStageAdded(PipelineStageAdded { stage: new_stage(edit, position, ids)? }),
        });
    }
    for (stage, position) in unlisted.zip(listed_count + 1..) {
        if let Some(position) = Change::between(stage.position, position) {
            let changes = StageChanges { position: Some(position), ..StageChanges::default() };
            events.push(DomainEvent::PipelineStageUpdated(PipelineStageUpdated { stage_id: stage.id, changes }));
        }
    }
    Ok(events)
}

fn stage_changes(stage: &Stage, edit: StageEdit, position: u32) -> Option<StageChanges> {
    let changes = StageChanges {
        name: edit.name.and_then(|name| Change::between(stage.name.clone(), name.into_string())),
        kind: edit.kind.and_then(|kind| Change::between(stage.kind, kind)),
        probability: edit.probability.and_then(|p| Change::between(stage.probability, p)),
        position: Change::between(stage.position, position),
    };
    (!changes.is_empty()).then_some(changes)
}

fn new_stage(edit: StageEdit, position: u32, ids: &mut dyn IdAllocator) -> Result<Stage, PipelineError> {
    let Some(name) = edit.name else {
        let mut errors = FieldErrors::new();
        errors.add("stages", "a new stage (one without an id) needs a name");
        return Err(PipelineError::Invalid(errors));
    };
    let kind = edit.kind.unwrap_or(StageType::Open);
    let probability = edit.probability.unwrap_or(match kind {
        StageType::Won => 100,
        StageType::Open | StageType::Lost => 0,
    });
    Ok(Stage { id: StageId(ids.next_id(IdKind::Stage)), name: name.into_string(), kind, probability, position })
}

/// Decides the deletion of a pipeline.
pub fn delete_pipeline(pipeline: &Pipeline) -> Result<Vec<DomainEvent>, PipelineError> {
    if pipeline.deleted {
        return Err(PipelineError::Deleted);
    }
    Ok(vec![DomainEvent::PipelineDeleted(PipelineDeleted {})])
}
