use serde::Serialize;

use crate::events::{DomainEvent, PipelineRef, Stage};
use crate::ids::{PipelineId, StageId};

/// A pipeline as folded from its stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pipeline {
    pub id: PipelineId,
    pub name: String,
    /// Stages in position order.
    pub stages: Vec<Stage>,
    #[serde(skip)]
    pub deleted: bool,
    pub version: u64,
}

impl Pipeline {
    /// Folds a pipeline's events (in stream order); `None` before `pipeline.created`.
    pub fn fold<'a>(id: PipelineId, events: impl IntoIterator<Item = (&'a DomainEvent, u64)>) -> Option<Self> {
        events.into_iter().fold(None, |state, (event, version)| Self::evolve(state, id, event, version))
    }

    /// Applies one event to the state.
    pub fn evolve(state: Option<Self>, id: PipelineId, event: &DomainEvent, version: u64) -> Option<Self> {
        if let DomainEvent::PipelineCreated(created) = event {
            let mut pipeline =
                Self { id, name: created.name.clone(), stages: created.stages.clone(), deleted: false, version };
            pipeline.sort_stages();
            return Some(pipeline);
        }
        let mut pipeline = state?;
        pipeline.version = version;
        match event {
            DomainEvent::PipelineUpdated(updated) => {
                if let Some(name) = &updated.changes.name {
                    pipeline.name = name.new.clone();
                }
            }
            DomainEvent::PipelineStageAdded(added) => pipeline.stages.push(added.stage.clone()),
            DomainEvent::PipelineStageUpdated(updated) => {
                if let Some(stage) = pipeline.stages.iter_mut().find(|s| s.id == updated.stage_id) {
                    let changes = &updated.changes;
                    if let Some(c) = &changes.name {
                        stage.name = c.new.clone();
                    }
                    if let Some(c) = &changes.kind {
                        stage.kind = c.new;
                    }
                    if let Some(c) = &changes.probability {
                        stage.probability = c.new;
                    }
                    if let Some(c) = &changes.position {
                        stage.position = c.new;
                    }
                }
            }
            DomainEvent::PipelineDeleted(_) => pipeline.deleted = true,
            _ => {}
        }
        pipeline.sort_stages();
        Some(pipeline)
    }

    fn sort_stages(&mut self) {
        self.stages.sort_by_key(|stage| (stage.position, stage.id));
    }

    /// The stage with this id, if it belongs to this pipeline.
    pub fn stage(&self, id: StageId) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.id == id)
    }

    /// The stage with this id (as text) or this name (case-insensitive).
    pub fn find_stage(&self, id_or_name: &str) -> Option<&Stage> {
        match id_or_name.trim().parse::<StageId>() {
            Ok(id) => self.stage(id),
            Err(_) => self.stages.iter().find(|s| s.name.eq_ignore_ascii_case(id_or_name.trim())),
        }
    }

    /// Where new deals start: the first stage in position order.
    pub fn first_stage(&self) -> Option<&Stage> {
        self.stages.first()
    }

    /// The pipeline as named in other events.
    pub fn reference(&self) -> PipelineRef {
        PipelineRef { id: self.id, name: self.name.clone() }
    }
}
