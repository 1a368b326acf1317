//! Deals from the read model, in the same shape as a deal folded from its events.

use std::collections::HashMap;

use api::{Order, Page};
use domain::deal::{Deal, Note, Task};
use domain::events::{ContactSnapshot, DealStatus, PipelineRef, StageRef, StageType};
use domain::ids::{ContactId, DealId, NoteId, PipelineId, SourceId, StageId, TaskId};
use domain::values::{Amount, Currency};
use eventlog::from_micros;
use eventlog::sql::{Db, Optional, Row};

pub use super::deal_filters::{DealFilters, DealListQuery, ORDER_COLUMNS};
use super::rows::{ListSql, invalid, page_and_total};

const SELECT: &str =
    "SELECT d.id, d.title, d.amount, d.currency, d.close_date, d.status, d.pipeline_id, p.name, d.stage_id,
        s.name, s.type, d.custom_fields, d.source_id, d.external_id, d.created_at, d.updated_at, d.version
    FROM rm_deals d LEFT JOIN rm_pipelines p ON p.id = d.pipeline_id LEFT JOIN rm_stages s ON s.id = d.stage_id";

fn deal(row: &Row<'_>) -> eventlog::sql::Result<Deal> {
    let amount: String = row.get(2)?;
    let currency: String = row.get(3)?;
    let close_date: Option<String> = row.get(4)?;
    let status: String = row.get(5)?;
    let stage_type: Option<String> = row.get(10)?;
    let custom_fields: String = row.get(11)?;
    Ok(Deal {
        id: DealId(row.get(0)?),
        title: row.get(1)?,
        amount: Amount::parse(&amount).map_err(|_| invalid(2, "amount"))?,
        currency: Currency::parse(&currency).map_err(|_| invalid(3, "currency"))?,
        close_date: close_date.map(|d| d.parse().map_err(|_| invalid(4, "close date"))).transpose()?,
        status: DealStatus::parse(&status).ok_or_else(|| invalid(5, "status"))?,
        pipeline: PipelineRef { id: PipelineId(row.get(6)?), name: row.get::<Option<String>>(7)?.unwrap_or_default() },
        stage: StageRef {
            id: StageId(row.get(8)?),
            name: row.get::<Option<String>>(9)?.unwrap_or_default(),
            kind: stage_type.as_deref().and_then(StageType::parse).unwrap_or(StageType::Open),
        },
        contacts: Vec::new(),
        custom_fields: serde_json::from_str(&custom_fields).map_err(|_| invalid(11, "custom fields"))?,
        source_id: row.get::<Option<u64>>(12)?.map(SourceId),
        external_id: row.get(13)?,
        notes: Vec::new(),
        tasks: Vec::new(),
        created_at: from_micros(row.get(14)?),
        updated_at: from_micros(row.get(15)?),
        version: row.get(16)?,
    })
}

/// One deal with its contacts, notes and tasks.
pub fn find(conn: &Db<'_>, id: DealId) -> eventlog::sql::Result<Option<Deal>> {
    let Some(mut found) =
        conn.prepare_cached(&format!("{SELECT} WHERE d.id = ?1"))?.query_row([id.0], deal).optional()?
    else {
        return Ok(None);
    };
    attach_contacts(conn, std::slice::from_mut(&mut found))?;
    found.notes = notes(conn, id)?;
    found.tasks = tasks(conn, id)?;
    Ok(Some(found))
}

/// A page of deals (with contacts, without notes and tasks) and the total matching.
pub fn list(conn: &Db<'_>, filters: &DealFilters, order: Order, page: Page) -> eventlog::sql::Result<(u64, Vec<Deal>)> {
    let list = ListSql { select: SELECT, count_from: "rm_deals d", id: "d.id" };
    let (total, mut deals) = page_and_total(conn, list, &filters.where_sql(), order, page, deal)?;
    attach_contacts(conn, &mut deals)?;
    Ok((total, deals))
}

fn attach_contacts(conn: &Db<'_>, deals: &mut [Deal]) -> eventlog::sql::Result<()> {
    if deals.is_empty() {
        return Ok(());
    }
    let placeholders = vec!["?"; deals.len()].join(", ");
    let sql = format!(
        "SELECT dc.deal_id, c.id, c.email, c.first_name, c.last_name, c.company FROM rm_deal_contacts dc
         JOIN rm_contacts c ON c.id = dc.contact_id WHERE dc.deal_id IN ({placeholders}) ORDER BY dc.deal_id, dc.position"
    );
    let ids = deals.iter().map(|d| d.id.0);
    let mut by_deal: HashMap<u64, Vec<ContactSnapshot>> = HashMap::new();
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(eventlog::sql::params_from_iter(ids))?;
    while let Some(row) = rows.next()? {
        let contact = ContactSnapshot {
            id: ContactId(row.get(1)?),
            email: row.get(2)?,
            first_name: row.get(3)?,
            last_name: row.get(4)?,
            company: row.get(5)?,
        };
        by_deal.entry(row.get(0)?).or_default().push(contact);
    }
    for deal in deals {
        deal.contacts = by_deal.remove(&deal.id.0).unwrap_or_default();
    }
    Ok(())
}

fn notes(conn: &Db<'_>, id: DealId) -> eventlog::sql::Result<Vec<Note>> {
    conn.prepare_cached("SELECT id, text, created_at, created_by FROM rm_deal_notes WHERE deal_id = ?1 ORDER BY id")?
        .query_map([id.0], |row| {
            let actor: String = row.get(3)?;
            Ok(Note {
                id: NoteId(row.get(0)?),
                text: row.get(1)?,
                created_at: from_micros(row.get(2)?),
                created_by: serde_json::from_str(&actor).map_err(|_| invalid(3, "note author"))?,
            })
        })?
        .collect()
}

fn tasks(conn: &Db<'_>, id: DealId) -> eventlog::sql::Result<Vec<Task>> {
    conn.prepare_cached(
        "SELECT id, title, due_date, completed, created_at, completed_at FROM rm_deal_tasks WHERE deal_id = ?1 ORDER BY id",
    )?
    .query_map([id.0], |row| {
        let due: Option<String> = row.get(2)?;
        Ok(Task {
            id: TaskId(row.get(0)?),
            title: row.get(1)?,
            due_date: due.map(|d| d.parse().map_err(|_| invalid(2, "due date"))).transpose()?,
            completed: row.get(3)?,
            created_at: from_micros(row.get(4)?),
            completed_at: row.get::<Option<i64>>(5)?.map(from_micros),
        })
    })?
    .collect()
}

/// A deal as a list item: everything but notes and tasks.
pub fn list_item(deal: &Deal) -> serde_json::Value {
    let mut value = serde_json::to_value(deal).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("notes");
        object.remove("tasks");
    }
    value
}
