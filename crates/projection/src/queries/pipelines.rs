//! Pipelines, their stages, and the board.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use domain::ids::{PipelineId, StageId};
use domain::values::number_from_decimal;
use eventlog::from_micros;
use eventlog::sql::{Db, Optional};
use rust_decimal::Decimal;
use serde::Serialize;

/// A pipeline as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PipelineView {
    pub id: PipelineId,
    pub name: String,
    pub stages: Vec<StageView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// A stage as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StageView {
    pub id: StageId,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub probability: u8,
    pub position: u32,
}

fn stages_by_pipeline(conn: &Db<'_>) -> eventlog::sql::Result<BTreeMap<u64, Vec<StageView>>> {
    let mut stages: BTreeMap<u64, Vec<StageView>> = BTreeMap::new();
    let mut statement = conn.prepare_cached(
        "SELECT pipeline_id, id, name, type, probability, position FROM rm_stages ORDER BY pipeline_id, position, id",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let stage = StageView {
            id: StageId(row.get(1)?),
            name: row.get(2)?,
            kind: row.get(3)?,
            probability: row.get(4)?,
            position: row.get(5)?,
        };
        stages.entry(row.get(0)?).or_default().push(stage);
    }
    Ok(stages)
}

/// Every pipeline that is not deleted, by id.
pub fn list(conn: &Db<'_>) -> eventlog::sql::Result<Vec<PipelineView>> {
    let mut stages = stages_by_pipeline(conn)?;
    conn.prepare_cached(
        "SELECT id, name, created_at, updated_at, version FROM rm_pipelines WHERE deleted = 0 ORDER BY id",
    )?
    .query_map([], |row| {
        let id: u64 = row.get(0)?;
        Ok(PipelineView {
            id: PipelineId(id),
            name: row.get(1)?,
            stages: Vec::new(),
            created_at: from_micros(row.get(2)?),
            updated_at: from_micros(row.get(3)?),
            version: row.get(4)?,
        })
    })?
    .map(|pipeline| {
        pipeline.map(|mut p| {
            p.stages = stages.remove(&p.id.0).unwrap_or_default();
            p
        })
    })
    .collect()
}

/// One pipeline that is not deleted.
pub fn find(conn: &Db<'_>, id: PipelineId) -> eventlog::sql::Result<Option<PipelineView>> {
    Ok(list(conn)?.into_iter().find(|p| p.id == id))
}

/// One stage of the board.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BoardStage {
    #[serde(flatten)]
    pub stage: StageView,
    pub deal_count: u64,
    #[schema(value_type = f64)]
    pub amount_sum: serde_json::Number,
    #[schema(value_type = f64)]
    pub weighted_amount: serde_json::Number,
}

/// `GET /api/pipelines/{id}/board`: per stage, in stage order, the deals' count, their amounts'
/// exact sum, and that sum weighted by the stage's probability.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Board {
    pub pipeline: domain::events::PipelineRef,
    pub stages: Vec<BoardStage>,
    pub deal_count: u64,
    #[schema(value_type = f64)]
    pub amount_sum: serde_json::Number,
    #[schema(value_type = f64)]
    pub weighted_amount: serde_json::Number,
}

/// The board of a pipeline that is not deleted.
pub fn board(conn: &Db<'_>, id: PipelineId) -> eventlog::sql::Result<Option<Board>> {
    let Some(pipeline) = find(conn, id)? else { return Ok(None) };
    let mut totals = (0_u64, Decimal::ZERO, Decimal::ZERO);
    let mut stages = Vec::with_capacity(pipeline.stages.len());
    for stage in pipeline.stages {
        let (count, sum): (u64, String) = conn
            .prepare_cached("SELECT deal_count, amount_sum FROM rm_board WHERE stage_id = ?1")?
            .query_row([stage.id.0], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?
            .unwrap_or((0, "0".into()));
        let sum = Decimal::from_str(&sum).unwrap_or_default();
        let weighted = (sum * Decimal::from(stage.probability) / Decimal::from(100)).normalize();
        totals = (totals.0 + count, totals.1 + sum, totals.2 + weighted);
        stages.push(BoardStage {
            stage,
            deal_count: count,
            amount_sum: number_from_decimal(sum.normalize()),
            weighted_amount: number_from_decimal(weighted),
        });
    }
    Ok(Some(Board {
        pipeline: domain::events::PipelineRef { id, name: pipeline.name },
        stages,
        deal_count: totals.0,
        amount_sum: number_from_decimal(totals.1.normalize()),
        weighted_amount: number_from_decimal(totals.2.normalize()),
    }))
}
