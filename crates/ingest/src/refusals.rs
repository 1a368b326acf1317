//! How a refused deal decision reaches the client: one conversion from [`DealError`] to a
//! [`CommandError`], naming the fields of the request it answers.

use domain::deal::DealError;

use crate::CommandError;

/// The names a request gives the fields a deal error is about.
#[derive(Clone, Copy, Debug)]
pub struct DealFields {
    pub pipeline: &'static str,
    pub stage: &'static str,
}

impl DealFields {
    /// The admin commands' fields (SPEC §6): `pipeline_id`, `stage_id`.
    pub const ADMIN: Self = Self { pipeline: "pipeline_id", stage: "stage_id" };
    /// The inbound payload's fields (SPEC §5): `pipeline_id`, and `stage` (a stage id or name).
    pub const INBOUND: Self = Self { pipeline: "pipeline_id", stage: "stage" };
}

/// 422 on the field the error is about; 404 for a task the deal does not have.
pub fn deal_refused(error: DealError, fields: DealFields) -> CommandError {
    match error {
        DealError::PipelineDeleted(_) | DealError::PipelineHasNoStages(_) => {
            CommandError::invalid(fields.pipeline, error.to_string())
        }
        DealError::StageNotInPipeline { .. } => CommandError::invalid(fields.stage, error.to_string()),
        DealError::TitleRequired => CommandError::invalid("title", "is required when creating a deal"),
        DealError::UnknownTask(_) => CommandError::NotFound(error.to_string()),
    }
}
