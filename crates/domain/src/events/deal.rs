use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ContactSnapshot, PipelineRef, StageRef, StageType};
use crate::ids::{NoteId, SourceId, TaskId};
use crate::values::{Amount, Change, Currency, CustomFields};

/// A deal's status, which follows the type of its stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DealStatus {
    Open,
    Won,
    Lost,
}

impl DealStatus {
    /// The status of a deal in a stage of this type.
    pub fn of_stage(kind: StageType) -> Self {
        match kind {
            StageType::Open => Self::Open,
            StageType::Won => Self::Won,
            StageType::Lost => Self::Lost,
        }
    }

    /// Parses `open`, `won` or `lost`.
    pub fn parse(text: &str) -> Option<Self> {
        StageType::parse(text).map(Self::of_stage)
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

/// `deal.created`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealCreated {
    pub title: String,
    pub amount: Amount,
    pub currency: Currency,
    pub close_date: Option<NaiveDate>,
    pub status: DealStatus,
    pub pipeline: PipelineRef,
    pub stage: StageRef,
    #[serde(default)]
    pub custom_fields: CustomFields,
    #[serde(default)]
    pub source_id: Option<SourceId>,
    #[serde(default)]
    pub external_id: Option<String>,
}

/// `deal.updated`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealUpdated {
    pub changes: DealChanges,
}

/// What changed on a deal's fields, each as old and new value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Change<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Change<Amount>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Change<Currency>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_date: Option<Change<Option<NaiveDate>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Change<CustomFields>>,
}

impl DealChanges {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.amount.is_none()
            && self.currency.is_none()
            && self.close_date.is_none()
            && self.custom_fields.is_none()
    }
}

/// `deal.stage_changed`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealStageChanged {
    pub from: StageRef,
    pub to: StageRef,
    /// The pipeline of the new stage.
    pub pipeline: PipelineRef,
    /// The pipeline the deal left, when it moved to another pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_pipeline: Option<PipelineRef>,
    /// The deal's status in the new stage.
    pub status: DealStatus,
}

/// `deal.contact_added`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealContactAdded {
    pub contact: ContactSnapshot,
}

/// A note's data as stored in `deal.note_added`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteData {
    pub id: NoteId,
    pub text: String,
}

/// `deal.note_added` (schema 2)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealNoteAdded {
    pub note: NoteData,
}

/// A task's data as stored in `deal.task_added`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskData {
    pub id: TaskId,
    pub title: String,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
}

/// `deal.task_added`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealTaskAdded {
    pub task: TaskData,
}

/// `deal.task_completed`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealTaskCompleted {
    pub task_id: TaskId,
}
