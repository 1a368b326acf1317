//! Where an inbound request's deal goes: the pipeline (named, the deal's own, or the source's
//! default) and the stage named, if any, looked up once at the edge. Every problem is reported
//! together with the payload's own.

use domain::deal::Deal;
use domain::ids::{PipelineId, StageId};
use domain::pipeline::Pipeline;
use domain::values::FieldErrors;
use eventlog::Transaction;

use super::payload::InboundPayload;
use crate::CommandError;
use crate::streams::PipelineCache;

/// The pipeline and stage an inbound request's deal is decided against.
pub struct Target {
    pub pipeline: Pipeline,
    pub stage: Option<StageId>,
    /// True when the request names a pipeline or stage, i.e. asks for a move.
    pub moves: bool,
}

/// Finds the request's target. Errors (422): the payload's problems, plus a missing title for
/// a creation, a pipeline that does not exist (or is deleted), a stage not in the pipeline.
pub fn resolve(
    tx: &Transaction<'_>,
    pipelines: &PipelineCache,
    (payload, payload_errors): (&InboundPayload, &FieldErrors),
    default_pipeline_id: PipelineId,
    existing: Option<&Deal>,
) -> Result<Target, CommandError> {
    let mut errors = payload_errors.clone();
    if existing.is_none() && payload.title.is_none() && !errors.fields().any(|f| f == "title") {
        errors.add("title", "is required when creating a deal");
    }
    let pipeline_id = payload.pipeline_id.or(existing.map(|deal| deal.pipeline.id)).unwrap_or(default_pipeline_id);
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
