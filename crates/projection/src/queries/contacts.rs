//! Contacts from the read model.

use api::{Order, Page};
use domain::contact::Contact;
use domain::ids::ContactId;
use eventlog::from_micros;
use eventlog::sql::{Db, Optional, Row};

use listquery::Where;

use super::rows::{ListSql, page_and_total, search_needle};

/// `orderBy` names and their columns.
pub const ORDER_COLUMNS: &[(&str, &str)] = &[
    ("id", "id"),
    ("email", "lower(email)"),
    ("first_name", "first_name"),
    ("last_name", "last_name"),
    ("company", "company"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
];

const SELECT: &str =
    "SELECT id, email, first_name, last_name, company, created_at, updated_at, version FROM rm_contacts";

fn contact(row: &Row<'_>) -> eventlog::sql::Result<Contact> {
    Ok(Contact {
        id: ContactId(row.get(0)?),
        email: row.get(1)?,
        first_name: row.get(2)?,
        last_name: row.get(3)?,
        company: row.get(4)?,
        created_at: from_micros(row.get(5)?),
        updated_at: from_micros(row.get(6)?),
        version: row.get(7)?,
    })
}

/// One contact.
pub fn find(conn: &Db<'_>, id: ContactId) -> eventlog::sql::Result<Option<Contact>> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?.query_row([id.0], contact).optional()
}

/// A page of contacts matching `search` (in email, names or company) and the total matching.
pub fn list(
    conn: &Db<'_>,
    search: Option<&str>,
    order: Order,
    page: Page,
) -> eventlog::sql::Result<(u64, Vec<Contact>)> {
    let mut conditions = Where::default();
    if let Some(search) = search {
        // search_text holds the email, "first last" and the company (migration 0011).
        conditions.push("instr(search_text, ?) > 0", [search_needle(search)]);
    }
    let list = ListSql { select: SELECT, count_from: "rm_contacts", id: "id" };
    page_and_total(conn, list, &conditions, order, page, contact)
}
