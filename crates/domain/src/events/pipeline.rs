use serde::{Deserialize, Serialize};

use crate::ids::{PipelineId, StageId};
use crate::values::Change;

/// Whether a stage holds open deals or closes them as won or lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StageType {
    Open,
    Won,
    Lost,
}

impl StageType {
    /// Parses `open`, `won` or `lost`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(Self::Open),
            "won" => Some(Self::Won),
            "lost" => Some(Self::Lost),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Won => "won",
            Self::Lost => "lost",
        }
    }
}

/// A stage of a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: StageId,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: StageType,
    /// Chance of winning a deal in this stage, 0–100.
    pub probability: u8,
    /// Order within the pipeline, from 1.
    pub position: u32,
}

/// A pipeline as named inside other events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PipelineRef {
    pub id: PipelineId,
    pub name: String,
}

/// A stage as named inside other events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StageRef {
    pub id: StageId,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: StageType,
}

impl From<&Stage> for StageRef {
    fn from(stage: &Stage) -> Self {
        Self { id: stage.id, name: stage.name.clone(), kind: stage.kind }
    }
}

/// `pipeline.created`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineCreated {
    pub name: String,
    pub stages: Vec<Stage>,
}

/// `pipeline.updated`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineUpdated {
    pub changes: PipelineChanges,
}

/// What changed on a pipeline itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Change<String>>,
}

/// `pipeline.stage_added`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineStageAdded {
    pub stage: Stage,
}

/// `pipeline.stage_updated`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineStageUpdated {
    pub stage_id: StageId,
    pub changes: StageChanges,
}

/// What changed on one stage.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Change<String>>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Change<StageType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<Change<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Change<u32>>,
}

impl StageChanges {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.kind.is_none() && self.probability.is_none() && self.position.is_none()
    }
}

/// `pipeline.deleted`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineDeleted {}
