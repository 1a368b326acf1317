//! The queue: events waiting to be delivered to each hook, batched into deliveries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use rusqlite::{Connection, params};
use uuid::Uuid;

/// An item the matcher records.
#[derive(Clone, Debug)]
pub struct NewItem {
    pub hook_id: HookId,
    pub position: u64,
    pub event_id: Uuid,
    pub trigger: &'static str,
    pub payload: String,
}

/// A stored item.
#[derive(Clone, Debug)]
pub struct Item {
    pub id: u64,
    pub position: u64,
    pub event_id: String,
    pub trigger: String,
    pub payload: String,
    pub delivery_id: Option<String>,
}

/// Records items; an item already recorded (same hook, event and trigger) is left as it is.
pub fn insert_items(conn: &Connection, items: &[NewItem], now: DateTime<Utc>) -> rusqlite::Result<usize> {
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO delivery_items (hook_id, position, event_id, trigger, payload, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut inserted = 0;
    for item in items {
        inserted += insert.execute(params![
            item.hook_id.0,
            item.position,
            item.event_id.to_string(),
            item.trigger,
            item.payload,
            now.timestamp_micros()
        ])?;
    }
    Ok(inserted)
}

fn item(row: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    Ok(Item {
        id: row.get(0)?,
        position: row.get(1)?,
        event_id: row.get(2)?,
        trigger: row.get(3)?,
        payload: row.get(4)?,
        delivery_id: row.get(5)?,
    })
}

/// The items of the delivery already started (being retried), if any, in the hook's order.
pub fn open_delivery(conn: &Connection, hook: HookId, newest_first: bool) -> rusqlite::Result<Vec<Item>> {
    let order = if newest_first { "DESC" } else { "ASC" };
    conn.prepare_cached(&format!(
        "SELECT id, position, event_id, trigger, payload, delivery_id FROM delivery_items
         WHERE hook_id = ?1 AND status = 'pending' AND delivery_id IS NOT NULL
           AND delivery_id = (SELECT delivery_id FROM delivery_items WHERE hook_id = ?1 AND status = 'pending'
                              AND delivery_id IS NOT NULL ORDER BY position {order}, id {order} LIMIT 1)
         ORDER BY position {order}, id {order}"
    ))?
    .query_map([hook.0], item)?
    .collect()
}

/// Up to `limit` pending items not yet part of a delivery, oldest or newest first.
pub fn next_items(conn: &Connection, hook: HookId, newest_first: bool, limit: usize) -> rusqlite::Result<Vec<Item>> {
    let order = if newest_first { "DESC" } else { "ASC" };
    conn.prepare_cached(&format!(
        "SELECT id, position, event_id, trigger, payload, delivery_id FROM delivery_items
         WHERE hook_id = ?1 AND status = 'pending' AND delivery_id IS NULL
         ORDER BY position {order}, id {order} LIMIT ?2"
    ))?
    .query_map(params![hook.0, limit as i64], item)?
    .collect()
}

/// Makes items one delivery, so that retries resend exactly them under one `webhook-id`.
pub fn assign(conn: &Connection, ids: &[u64], delivery_id: &str) -> rusqlite::Result<()> {
    let mut update = conn.prepare_cached("UPDATE delivery_items SET delivery_id = ?2 WHERE id = ?1")?;
    for id in ids {
        update.execute(params![id, delivery_id])?;
    }
    Ok(())
}

/// Returns items that were part of a delivery never sent to the queue (a failure stopped the
/// batch before them): they will be batched afresh.
pub fn unassign(conn: &Connection, ids: &[u64]) -> rusqlite::Result<()> {
    let mut update = conn.prepare_cached("UPDATE delivery_items SET delivery_id = NULL WHERE id = ?1")?;
    for id in ids {
        update.execute([id])?;
    }
    Ok(())
}

/// Removes delivered items.
pub fn delete_items(conn: &Connection, ids: &[u64]) -> rusqlite::Result<()> {
    let mut delete = conn.prepare_cached("DELETE FROM delivery_items WHERE id = ?1")?;
    for id in ids {
        delete.execute([id])?;
    }
    Ok(())
}

/// Marks the items of an exhausted delivery failed (kept, listed, redeliverable).
pub fn fail_items(conn: &Connection, ids: &[u64]) -> rusqlite::Result<()> {
    let mut update =
        conn.prepare_cached("UPDATE delivery_items SET status = 'failed', delivery_id = NULL WHERE id = ?1")?;
    for id in ids {
        update.execute([id])?;
    }
    Ok(())
}

/// Puts a hook's failed items back in its queue; answers how many.
pub fn requeue_failed(conn: &Connection, hook: HookId) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "UPDATE delivery_items SET status = 'pending', delivery_id = NULL WHERE hook_id = ?1 AND status = 'failed'",
    )?
    .execute([hook.0])
}

/// Live hooks with pending items, and when each is due (none: now).
pub fn waiting_hooks(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<Vec<(HookId, Option<i64>)>> {
    conn.prepare_cached(
        "SELECT h.id, s.next_attempt_at FROM hooks h LEFT JOIN hook_delivery_state s ON s.hook_id = h.id
         WHERE h.is_published = 1 AND (h.publish_up IS NULL OR h.publish_up <= ?1) AND (h.publish_down IS NULL OR h.publish_down > ?1)
           AND EXISTS (SELECT 1 FROM delivery_items d WHERE d.hook_id = h.id AND d.status = 'pending')
         ORDER BY h.id",
    )?
    .query_map([now.timestamp_micros()], |row| Ok((HookId(row.get(0)?), row.get(1)?)))?
    .collect()
}

/// Pending and failed item counts per hook.
pub fn counts(conn: &Connection) -> rusqlite::Result<HashMap<HookId, (u64, u64)>> {
    let mut counts: HashMap<HookId, (u64, u64)> = HashMap::new();
    let mut query =
        conn.prepare_cached("SELECT hook_id, status, count(*) FROM delivery_items GROUP BY hook_id, status")?;
    let mut rows = query.query([])?;
    while let Some(row) = rows.next()? {
        let (hook, status, count): (u64, String, u64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let entry = counts.entry(HookId(hook)).or_default();
        if status == "pending" { entry.0 = count } else { entry.1 = count }
    }
    Ok(counts)
}

/// One hook's pending and failed item counts.
pub fn count(conn: &Connection, hook: HookId) -> rusqlite::Result<(u64, u64)> {
    let mut query =
        conn.prepare_cached("SELECT status, count(*) FROM delivery_items WHERE hook_id = ?1 GROUP BY status")?;
    let mut rows = query.query([hook.0])?;
    let (mut pending, mut failed) = (0, 0);
    while let Some(row) = rows.next()? {
        let (status, count): (String, u64) = (row.get(0)?, row.get(1)?);
        if status == "pending" { pending = count } else { failed = count }
    }
    Ok((pending, failed))
}

/// Drops everything of a deleted hook.
pub fn forget_hook(conn: &Connection, hook: HookId) -> rusqlite::Result<()> {
    for sql in [
        "DELETE FROM delivery_items WHERE hook_id = ?1",
        "DELETE FROM hook_delivery_state WHERE hook_id = ?1",
        "DELETE FROM delivery_log WHERE hook_id = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([hook.0])?;
    }
    Ok(())
}
