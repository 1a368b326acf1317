use std::str::FromStr;

use domain::events::*;
use domain::ids::DealId;
use eventlog::sql::{Db, Optional};
use rust_decimal::Decimal;

use super::{BoardDelta, Stored};

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Every deal event moves `updated_at` and `version` (written once per deal per batch).
fn touch(board: &mut BoardDelta, id: DealId, stored: &Stored) -> eventlog::sql::Result<()> {
    board.touch(id, stored.version, stored.at());
    Ok(())
}

pub fn created(
    conn: &Db<'_>,
    id: DealId,
    e: &DealCreated,
    stored: &Stored,
    board: &mut BoardDelta,
) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO rm_deals (id, title, amount, amount_units, currency, close_date, status, pipeline_id,
             stage_id, custom_fields, source_id, external_id, created_at, updated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, amount = excluded.amount, amount_units = excluded.amount_units, currency = excluded.currency, close_date = excluded.close_date, status = excluded.status, pipeline_id = excluded.pipeline_id, stage_id = excluded.stage_id, custom_fields = excluded.custom_fields, source_id = excluded.source_id, external_id = excluded.external_id, created_at = excluded.created_at, updated_at = excluded.updated_at, version = excluded.version",
    )?
    .execute(eventlog::params![
        id.0,
        &e.title,
        e.amount.to_string(),
        e.amount.units(),
        e.currency.code(),
        e.close_date.map(|d| d.to_string()),
        e.status.as_str(),
        e.pipeline.id.0,
        e.stage.id.0,
        json(&e.custom_fields),
        e.source_id.map(|s| s.0),
        &e.external_id,
        stored.at(),
        stored.version,
    ])?;
    board.add(e.stage.id, e.currency.code(), 1, e.amount.decimal());
    Ok(())
}

pub fn updated(
    conn: &Db<'_>,
    id: DealId,
    e: &DealUpdated,
    stored: &Stored,
    board: &mut BoardDelta,
) -> eventlog::sql::Result<()> {
    let c = &e.changes;
    if let Some(title) = &c.title {
        conn.prepare_cached("UPDATE rm_deals SET title = ?2 WHERE id = ?1")?.execute((id.0, &title.new))?;
    }
    if let Some(amount) = &c.amount {
        // The currency as it was: a currency changed by the same event moves the new amount below.
        let stage: Option<(u64, String)> = conn
            .prepare_cached(
                "UPDATE rm_deals SET amount = ?2, amount_units = ?3 WHERE id = ?1 RETURNING stage_id, currency",
            )?
            .query_row((id.0, amount.new.to_string(), amount.new.units()), |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        if let Some((stage, currency)) = stage {
            board.add(domain::ids::StageId(stage), &currency, 0, amount.new.decimal() - amount.old.decimal());
        }
    }
    if let Some(currency) = &c.currency {
        let moved: Option<(u64, String)> = conn
            .prepare_cached("UPDATE rm_deals SET currency = ?2 WHERE id = ?1 RETURNING stage_id, amount")?
            .query_row((id.0, currency.new.code()), |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        if let Some((stage, amount)) = moved {
            let (stage, amount) = (domain::ids::StageId(stage), Decimal::from_str(&amount).unwrap_or_default());
            board.add_in_currency(stage, currency.old.code(), -1, -amount);
            board.add_in_currency(stage, currency.new.code(), 1, amount);
        }
    }
    if let Some(date) = &c.close_date {
        conn.prepare_cached("UPDATE rm_deals SET close_date = ?2 WHERE id = ?1")?
            .execute((id.0, date.new.map(|d| d.to_string())))?;
    }
    if let Some(fields) = &c.custom_fields {
        conn.prepare_cached("UPDATE rm_deals SET custom_fields = ?2 WHERE id = ?1")?
            .execute((id.0, json(&fields.new)))?;
    }
    touch(board, id, stored)
}

pub fn stage_changed(
    conn: &Db<'_>,
    id: DealId,
    e: &DealStageChanged,
    stored: &Stored,
    board: &mut BoardDelta,
) -> eventlog::sql::Result<()> {
    let moved: Option<(String, String)> = conn
        .prepare_cached(
            "UPDATE rm_deals SET stage_id = ?2, pipeline_id = ?3, status = ?4 WHERE id = ?1 RETURNING amount, currency",
        )?
        .query_row((id.0, e.to.id.0, e.pipeline.id.0, e.status.as_str()), |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    board.touch(id, stored.version, stored.at());
    if let Some((amount, currency)) = moved {
        let amount = Decimal::from_str(&amount).unwrap_or_default();
        board.add(e.from.id, &currency, -1, -amount);
        board.add(e.to.id, &currency, 1, amount);
    }
    Ok(())
}

pub fn contact_added(
    conn: &Db<'_>,
    id: DealId,
    board: &mut BoardDelta,
    e: &DealContactAdded,
    stored: &Stored,
) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO rm_deal_contacts (deal_id, contact_id, position)
         VALUES (?1, ?2, (SELECT count(*) FROM rm_deal_contacts WHERE deal_id = ?1)) ON CONFLICT DO NOTHING",
    )?
    .execute((id.0, e.contact.id.0))?;
    touch(board, id, stored)
}

pub fn note_added(
    conn: &Db<'_>,
    id: DealId,
    board: &mut BoardDelta,
    e: &DealNoteAdded,
    stored: &Stored,
) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO rm_deal_notes (id, deal_id, text, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET deal_id = excluded.deal_id, text = excluded.text, created_at = excluded.created_at, created_by = excluded.created_by",
    )?
    .execute((
        e.note.id.0,
        id.0,
        &e.note.text,
        stored.at(),
        json(&stored.author.clone().unwrap_or_else(domain::Actor::system)),
    ))?;
    touch(board, id, stored)
}

pub fn task_added(
    conn: &Db<'_>,
    id: DealId,
    board: &mut BoardDelta,
    e: &DealTaskAdded,
    stored: &Stored,
) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO rm_deal_tasks (id, deal_id, title, due_date, completed, created_at) VALUES (?1, ?2, ?3, ?4, 0, ?5)
         ON CONFLICT (id) DO UPDATE SET deal_id = excluded.deal_id, title = excluded.title, due_date = excluded.due_date, completed = excluded.completed, created_at = excluded.created_at, completed_at = NULL",
    )?
    .execute((e.task.id.0, id.0, &e.task.title, e.task.due_date.map(|d| d.to_string()), stored.at()))?;
    touch(board, id, stored)
}

pub fn task_completed(
    conn: &Db<'_>,
    id: DealId,
    board: &mut BoardDelta,
    e: &DealTaskCompleted,
    stored: &Stored,
) -> eventlog::sql::Result<()> {
    conn.prepare_cached("UPDATE rm_deal_tasks SET completed = 1, completed_at = ?2 WHERE id = ?1")?
        .execute((e.task_id.0, stored.at()))?;
    touch(board, id, stored)
}
