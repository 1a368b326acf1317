use domain::events::{PipelineCreated, PipelineStageAdded, PipelineStageUpdated, PipelineUpdated, Stage};
use domain::ids::PipelineId;
use rusqlite::Connection;

use super::Stored;

fn insert_stage(conn: &Connection, pipeline: PipelineId, stage: &Stage) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO rm_stages (id, pipeline_id, name, type, probability, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute((stage.id.0, pipeline.0, &stage.name, stage.kind.as_str(), stage.probability, stage.position))?;
    Ok(())
}

fn touch(conn: &Connection, id: PipelineId, stored: &Stored) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE rm_pipelines SET updated_at = ?2, version = ?3 WHERE id = ?1")?.execute((
        id.0,
        stored.at(),
        stored.version,
    ))?;
    Ok(())
}

pub fn created(conn: &Connection, id: PipelineId, event: &PipelineCreated, stored: &Stored) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO rm_pipelines (id, name, deleted, created_at, updated_at, version) VALUES (?1, ?2, 0, ?3, ?3, ?4)",
    )?
    .execute((id.0, &event.name, stored.at(), stored.version))?;
    event.stages.iter().try_for_each(|stage| insert_stage(conn, id, stage))
}

pub fn updated(conn: &Connection, id: PipelineId, event: &PipelineUpdated, stored: &Stored) -> rusqlite::Result<()> {
    if let Some(name) = &event.changes.name {
        conn.prepare_cached("UPDATE rm_pipelines SET name = ?2 WHERE id = ?1")?.execute((id.0, &name.new))?;
    }
    touch(conn, id, stored)
}

pub fn stage_added(
    conn: &Connection,
    id: PipelineId,
    event: &PipelineStageAdded,
    stored: &Stored,
) -> rusqlite::Result<()> {
    insert_stage(conn, id, &event.stage)?;
    touch(conn, id, stored)
}

pub fn stage_updated(
    conn: &Connection,
    id: PipelineId,
    event: &PipelineStageUpdated,
    stored: &Stored,
) -> rusqlite::Result<()> {
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

pub fn deleted(conn: &Connection, id: PipelineId, stored: &Stored) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE rm_pipelines SET deleted = 1 WHERE id = ?1")?.execute([id.0])?;
    touch(conn, id, stored)
}
