use domain::events::{ContactCreated, ContactUpdated};
use domain::ids::ContactId;
use eventlog::sql::Db;

use super::Stored;

pub fn created(conn: &Db<'_>, id: ContactId, event: &ContactCreated, stored: &Stored) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO rm_contacts (id, email, first_name, last_name, company, created_at, updated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name, company = excluded.company, created_at = excluded.created_at, updated_at = excluded.updated_at, version = excluded.version",
    )?
    .execute((id.0, &event.email, &event.first_name, &event.last_name, &event.company, stored.at(), stored.version))?;
    Ok(())
}

pub fn updated(conn: &Db<'_>, id: ContactId, event: &ContactUpdated, stored: &Stored) -> eventlog::sql::Result<()> {
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
