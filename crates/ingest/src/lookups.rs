//! The command side's lookup tables: contact by email and deal by a source's external id. They
//! are written in the same transaction as the events that create what they point to.

use domain::ids::{ContactId, DealId, SourceId};
use eventlog::sql::{Db, Optional};

/// The contact that owns an email key (the lower-cased address).
pub fn contact_by_email(conn: &Db<'_>, email_key: &str) -> eventlog::sql::Result<Option<ContactId>> {
    conn.prepare_cached("SELECT contact_id FROM contact_emails WHERE email_key = ?1")?
        .query_row([email_key], |row| row.get(0).map(ContactId))
        .optional()
}

/// Records that an email key belongs to a contact.
pub fn claim_email(conn: &Db<'_>, email_key: &str, contact: ContactId) -> eventlog::sql::Result<()> {
    conn.prepare_cached("INSERT INTO contact_emails (email_key, contact_id) VALUES (?1, ?2)")?
        .execute((email_key, contact.0))?;
    Ok(())
}

/// Frees an email key (the contact changed its address).
pub fn release_email(conn: &Db<'_>, email_key: &str) -> eventlog::sql::Result<()> {
    conn.prepare_cached("DELETE FROM contact_emails WHERE email_key = ?1")?.execute([email_key])?;
    Ok(())
}

/// The deal a source's external id refers to.
pub fn deal_by_external_id(
    conn: &Db<'_>,
    source: SourceId,
    external_id: &str,
) -> eventlog::sql::Result<Option<DealId>> {
    conn.prepare_cached("SELECT deal_id FROM deal_external_ids WHERE source_id = ?1 AND external_id = ?2")?
        .query_row((source.0, external_id), |row| row.get(0).map(DealId))
        .optional()
}

/// Records which deal a source's external id refers to.
pub fn claim_external_id(
    conn: &Db<'_>,
    source: SourceId,
    external_id: &str,
    deal: DealId,
) -> eventlog::sql::Result<()> {
    conn.prepare_cached("INSERT INTO deal_external_ids (source_id, external_id, deal_id) VALUES (?1, ?2, ?3)")?
        .execute((source.0, external_id, deal.0))?;
    Ok(())
}
