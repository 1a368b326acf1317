use domain::events::{PipelineCreated, PipelineStageAdded, PipelineStageUpdated, PipelineUpdated, Stage};
use domain::ids::PipelineId;
use eventlog::sql::Db;

use super::Stored;

fn insert_stage(conn: &Db<'_>, pipeline: PipelineId, stage: &Stage) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO rm_stages (id, pipeline_id, name, type, probability, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET pipeline_id = excluded.pipeline_id, name = excluded.name, type = excluded.type, probability = excluded.probability, position = excluded.position",
    )?
    .execute((stage.id.0, pipeline.0, &stage.name, stage.kind.as_str(), stage.probability, stage.position))?;
    Ok(())
}

fn touch(conn: &Db<'_>, id: PipelineId, stored: &Stored) -> eventlog::sql::Result<()> {
    conn.prepare_cached("UPDATE rm_pipelines SET updated_at = ?2, version = ?3 WHERE id = ?1")?.execute((
        id.0,
        stored.at(),
        stored.version,
    ))?;
    Ok(())
}

pub fn created(conn: &Db<'_>, id: PipelineId, event: &PipelineCreated, stored: &Stored) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO rm_pipelines (id, name, deleted, created_at, updated_at, version) VALUES (?1, ?2, 0, ?3, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, deleted = excluded.deleted, created_at = excluded.created_at, updated_at = excluded.updated_at, version = excluded.version",
    )?
    .execute((id.0, &event.name, stored.at(), stored.version))?;
    event.stages.iter().try_for_each(|stage| insert_stage(conn, id, stage))
}

pub fn updated(conn: &Db<'_>, id: PipelineId, event: &PipelineUpdated, stored: &Stored) -> eventlog::sql::Result<()> {
    if let Some(name) = &event.changes.name {
        conn.prepare_cached("UPDATE rm_pipelines SET name = ?2 WHERE id = ?1")?.execute((id.0, &name.new))?;
    }
    touch(conn, id, stored)
}

pub fn stage_added(
    conn: &Db<'_>,
    id: PipelineId,
    event: &PipelineStageAdded,
    stored: &Stored,
) -> eventlog::sql::Result<()> {
    insert_stage(conn, id, &event.stage)?;
    touch(conn, id, stored)
}

pub fn stage_updated(
    conn: &Db<'_>,
    id: PipelineId,
    event: &PipelineStageUpdated,
    stored: &Stored,
) -> eventlog::sql::Result<()> {
    let (stage, changes) = (event.stage_id.0, &event.changes);
    if let Some(c) = &changes.name {
        conn.prepare_cached("UPDATE rm_stages SET name = ?2 WHERE id = ?1")?.execute((stage, &c.new))?;
    }
    if let Some(c) = &changes.kind {
        conn.prepare_cached("UPDATE rm_stages SET type = ?2 WHERE id = ?1")?.execute((stage, c.new.as_str()))?;
    }
    if let Some(c) = &changes.probability {
        conn.prepare_cached("UPDATE rm_stages SET probability = ?2 WHERE id = ?1")?.execute((stage, c.new))?;
    }
    if let Some(c) = &changes.position {
        conn.prepare_cached("UPDATE rm_stages SET position = ?2 WHERE id = ?1")?.execute((stage, c.new))?;
    }
    touch(conn, id, stored)
}

pub fn deleted(conn: &Db<'_>, id: PipelineId, stored: &Stored) -> eventlog::sql::Result<()> {
    conn.prepare_cached("UPDATE rm_pipelines SET deleted = 1 WHERE id = ?1")?.execute([id.0])?;
    touch(conn, id, stored)
}
