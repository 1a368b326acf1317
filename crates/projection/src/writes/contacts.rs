use domain::events::{ContactCreated, ContactUpdated};
use domain::ids::ContactId;
use rusqlite::Connection;

use super::Stored;

pub fn created(conn: &Connection, id: ContactId, event: &ContactCreated, stored: &Stored) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO rm_contacts (id, email, first_name, last_name, company, created_at, updated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
    )?
    .execute((id.0, &event.email, &event.first_name, &event.last_name, &event.company, stored.at(), stored.version))?;
    Ok(())
}

pub fn updated(conn: &Connection, id: ContactId, event: &ContactUpdated, stored: &Stored) -> rusqlite::Result<()> {
    let changes = &event.changes;
    if let Some(c) = &changes.email {
        conn.prepare_cached("UPDATE rm_contacts SET email = ?2 WHERE id = ?1")?.execute((id.0, &c.new))?;
    }
    if let Some(c) = &changes.first_name {
        conn.prepare_cached("UPDATE rm_contacts SET first_name = ?2 WHERE id = ?1")?.execute((id.0, &c.new))?;
    }
    if let Some(c) = &changes.last_name {
        conn.prepare_cached("UPDATE rm_contacts SET last_name = ?2 WHERE id = ?1")?.execute((id.0, &c.new))?;
    }
    if let Some(c) = &changes.company {
        conn.prepare_cached("UPDATE rm_contacts SET company = ?2 WHERE id = ?1")?.execute((id.0, &c.new))?;
    }
    conn.prepare_cached("UPDATE rm_contacts SET updated_at = ?2, version = ?3 WHERE id = ?1")?.execute((
        id.0,
        stored.at(),
        stored.version,
    ))?;
    Ok(())
}
