//! Pipelines and their stages: state folded from `pipeline-N`, and the decisions on it.

mod decide;
mod state;

pub use decide::{
    NewPipeline, NewStage, PipelineEdit, PipelineError, StageEdit, create_pipeline, default_pipeline, delete_pipeline,
    edit_pipeline,
};
pub use state::Pipeline;
