//! The queue: events waiting to be delivered to each hook, batched into deliveries.

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use eventlog::params;
use eventlog::sql::{Db, Optional};
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
pub fn insert_items(conn: &Db<'_>, items: &[NewItem], now: DateTime<Utc>) -> eventlog::sql::Result<usize> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO delivery_items (hook_id, position, event_id, trigger, payload, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
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

fn item(row: &eventlog::sql::Row<'_>) -> eventlog::sql::Result<Item> {
    Ok(Item {
        id: row.get(0)?,
        position: row.get(1)?,
        event_id: row.get(2)?,
        trigger: row.get(3)?,
        payload: row.get(4)?,
        delivery_id: row.get(5)?,
    })
}

/// The first `limit` pending items of a hook in its order: each id, and its delivery if formed.
pub fn heads(
    conn: &Db<'_>,
    hook: HookId,
    newest_first: bool,
    limit: usize,
) -> eventlog::sql::Result<Vec<(u64, Option<String>)>> {
    let order = if newest_first { "DESC" } else { "ASC" };
    conn.prepare_cached(&format!(
        "SELECT id, delivery_id FROM delivery_items WHERE hook_id = ?1 ORDER BY position {order}, trigger {order} LIMIT ?2"
    ))?
    .query_map(params![hook.0, limit as i64], |row| Ok((row.get(0)?, row.get(1)?)))?
    .collect()
}

/// Items by id, in the order given (ids no longer queued are left out).
pub fn items(conn: &Db<'_>, ids: &[u64]) -> eventlog::sql::Result<Vec<Item>> {
    let mut query = conn.prepare_cached(
        "SELECT id, position, event_id, trigger, payload, delivery_id FROM delivery_items WHERE id = ?1",
    )?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        items.extend(query.query_row([id], item).optional()?);
    }
    Ok(items)
}

/// The items of one delivery, in the hook's order.
pub fn delivery(
    conn: &Db<'_>,
    hook: HookId,
    delivery_id: &str,
    newest_first: bool,
) -> eventlog::sql::Result<Vec<Item>> {
    let order = if newest_first { "DESC" } else { "ASC" };
    conn.prepare_cached(&format!(
        "SELECT id, position, event_id, trigger, payload, delivery_id FROM delivery_items
         WHERE hook_id = ?1 AND delivery_id = ?2 ORDER BY position {order}, trigger {order}"
    ))?
    .query_map(params![hook.0, delivery_id], item)?
    .collect()
}

/// Makes items one delivery, so that retries resend exactly them under one `webhook-id`.
pub fn assign(conn: &Db<'_>, ids: &[u64], delivery_id: &str) -> eventlog::sql::Result<()> {
    let mut update = conn.prepare_cached("UPDATE delivery_items SET delivery_id = ?2 WHERE id = ?1")?;
    for id in ids {
        update.execute(params![id, delivery_id])?;
    }
    Ok(())
}

/// Removes delivered items.
pub fn delete_items(conn: &Db<'_>, ids: &[u64]) -> eventlog::sql::Result<()> {
    let mut delete = conn.prepare_cached("DELETE FROM delivery_items WHERE id = ?1")?;
    for id in ids {
        delete.execute([id])?;
    }
    Ok(())
}

/// Moves the items of an exhausted delivery to the failed items (kept, listed, redeliverable).
pub fn fail_items(conn: &Db<'_>, ids: &[u64], now: DateTime<Utc>) -> eventlog::sql::Result<()> {
    let mut keep = conn.prepare_cached(
        "INSERT INTO delivery_failed (hook_id, position, event_id, trigger, payload, created_at, failed_at)
         SELECT hook_id, position, event_id, trigger, payload, created_at, ?2 FROM delivery_items WHERE id = ?1 ON CONFLICT DO NOTHING",
    )?;
    for id in ids {
        keep.execute(params![id, now.timestamp_micros()])?;
    }
    delete_items(conn, ids)
}

/// Puts a hook's failed items back in its queue; answers how many.
pub fn requeue_failed(conn: &Db<'_>, hook: HookId) -> eventlog::sql::Result<usize> {
    let requeued = conn
        .prepare_cached(
            "INSERT INTO delivery_items (hook_id, position, event_id, trigger, payload, created_at)
             SELECT hook_id, position, event_id, trigger, payload, created_at FROM delivery_failed WHERE hook_id = ?1 ON CONFLICT DO NOTHING",
        )?
        .execute([hook.0])?;
    conn.prepare_cached("DELETE FROM delivery_failed WHERE hook_id = ?1")?.execute([hook.0])?;
    Ok(requeued)
}

/// Puts back in the queue those of the hook's failed items whose event is one of `event_ids`;
/// answers how many.
pub fn requeue_failed_events(conn: &Db<'_>, hook: HookId, event_ids: &[String]) -> eventlog::sql::Result<usize> {
    let mut requeued = 0;
    let mut insert = conn.prepare_cached(
        "INSERT INTO delivery_items (hook_id, position, event_id, trigger, payload, created_at)
         SELECT hook_id, position, event_id, trigger, payload, created_at FROM delivery_failed
         WHERE hook_id = ?1 AND event_id = ?2 ON CONFLICT DO NOTHING",
    )?;
    let mut delete = conn.prepare_cached("DELETE FROM delivery_failed WHERE hook_id = ?1 AND event_id = ?2")?;
    for event_id in event_ids {
        requeued += insert.execute((hook.0, event_id))?;
        delete.execute((hook.0, event_id))?;
    }
    Ok(requeued)
}

/// Live hooks with pending items, and when each is due (none: now).
pub fn waiting_hooks(conn: &Db<'_>, now: DateTime<Utc>) -> eventlog::sql::Result<Vec<(HookId, Option<DateTime<Utc>>)>> {
    conn.prepare_cached(
        "SELECT h.id, s.next_attempt_at FROM hooks h LEFT JOIN hook_delivery_state s ON s.hook_id = h.id
         WHERE h.is_published = 1 AND (h.publish_up IS NULL OR h.publish_up <= ?1) AND (h.publish_down IS NULL OR h.publish_down > ?1)
           AND EXISTS (SELECT 1 FROM delivery_items d WHERE d.hook_id = h.id)
         ORDER BY h.id",
    )?
    .query_map([now.timestamp_micros()], |row| {
        Ok((HookId(row.get(0)?), row.get::<Option<i64>>(1)?.map(eventlog::from_micros)))
    })?
    .collect()
}

/// Pending and failed item counts over every hook.
pub fn totals(conn: &Db<'_>) -> eventlog::sql::Result<(u64, u64)> {
    let pending = conn.prepare_cached("SELECT count(*) FROM delivery_items")?.query_row([], |row| row.get(0))?;
    let failed = conn.prepare_cached("SELECT count(*) FROM delivery_failed")?.query_row([], |row| row.get(0))?;
    Ok((pending, failed))
}

/// One hook's pending and failed item counts.
pub fn count(conn: &Db<'_>, hook: HookId) -> eventlog::sql::Result<(u64, u64)> {
    let pending = conn
        .prepare_cached("SELECT count(*) FROM delivery_items WHERE hook_id = ?1")?
        .query_row([hook.0], |row| row.get(0))?;
    let failed = conn
        .prepare_cached("SELECT count(*) FROM delivery_failed WHERE hook_id = ?1")?
        .query_row([hook.0], |row| row.get(0))?;
    Ok((pending, failed))
}

/// Drops everything of a deleted hook.
pub fn forget_hook(conn: &Db<'_>, hook: HookId) -> eventlog::sql::Result<()> {
    for sql in [
        "DELETE FROM delivery_items WHERE hook_id = ?1",
        "DELETE FROM delivery_failed WHERE hook_id = ?1",
        "DELETE FROM hook_delivery_state WHERE hook_id = ?1",
        "DELETE FROM delivery_log WHERE hook_id = ?1",
    ] {
        conn.prepare_cached(sql)?.execute([hook.0])?;
    }
    Ok(())
}
