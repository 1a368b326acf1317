//! The `hooks` and `categories` tables. A hook's secret is sealed at rest with the master key
//! (the same [`SecretBox`] as source secrets) and stored as `sealed:<base64>`, so that a copy of
//! the database file does not reveal it. Rows written before sealing hold the plain secret; they
//! are read as they are, and [`seal_plaintext`] seals them at start-up.

use chrono::{DateTime, Utc};
use domain::ids::HookId;
use domain::secrets::SecretBox;
use eventlog::from_micros;
use eventlog::params;
use eventlog::sql::{Db, Optional, Row};

use super::model::{Category, Hook, OrderDir, PayloadFormat, SignatureFormat};
use super::pace::{MaxInFlight, RateLimit};

/// The columns `hook` reads, hooks aliased `h`, categories `c`.
pub const SELECT: &str =
    "SELECT h.id, h.name, h.description, h.webhook_url, h.secret, h.events_orderby_dir, h.is_published,
        h.publish_up, h.publish_down, h.date_added, h.created_by, h.created_by_user, h.date_modified, h.modified_by,
        h.modified_by_user, h.triggers, h.payload_format, h.signature_format, h.unpublished_reason, h.created_position,
        h.max_in_flight, h.rate_limit, c.id, c.title, c.alias, c.description, c.color, c.bundle, c.created_by_user
    FROM hooks h LEFT JOIN categories c ON c.id = h.category_id";

fn micros(time: Option<i64>) -> Option<DateTime<Utc>> {
    time.map(from_micros)
}

/// The prefix of a sealed secret in the `secret` column.
const SEALED: &str = "sealed:";

/// The column's text for a secret.
pub fn seal(secrets: &SecretBox, secret: &str) -> String {
    format!("{SEALED}{}", secrets.seal(secret))
}

/// The secret a column holds: opened when sealed, as it is when written before sealing.
pub fn open(secrets: &SecretBox, stored: &str) -> eventlog::sql::Result<String> {
    match stored.strip_prefix(SEALED) {
        Some(sealed) => secrets.open(sealed).map_err(|e| eventlog::sql::SqlError::Invalid(format!("column 4: {e}"))),
        None => Ok(stored.to_owned()),
    }
}

/// Reads a row selected with [`SELECT`], opening its secret.
pub fn hook_opened(row: &Row<'_>, secrets: &SecretBox) -> eventlog::sql::Result<Hook> {
    let mut hook = hook(row)?;
    hook.secret = open(secrets, &hook.secret)?;
    Ok(hook)
}

/// Reads a row selected with [`SELECT`]; `secret` as stored (sealed).
fn hook(row: &Row<'_>) -> eventlog::sql::Result<Hook> {
    let direction: Option<String> = row.get(5)?;
    let triggers: String = row.get(15)?;
    let payload: String = row.get(16)?;
    let signature: String = row.get(17)?;
    let category = match row.get::<Option<u64>>(22)? {
        Some(id) => Some(Category {
            created_by_user: row.get(28)?,
            modified_by_user: None,
            id,
            title: row.get(23)?,
            alias: row.get(24)?,
            description: row.get(25)?,
            color: row.get(26)?,
            bundle: row.get(27)?,
        }),
        None => None,
    };
    Ok(Hook {
        id: HookId(row.get(0)?),
        name: row.get(1)?,
        description: row.get(2)?,
        webhook_url: row.get(3)?,
        secret: row.get(4)?,
        events_orderby_dir: direction.as_deref().and_then(OrderDir::parse),
        is_published: row.get(6)?,
        publish_up: micros(row.get(7)?),
        publish_down: micros(row.get(8)?),
        date_added: from_micros(row.get(9)?),
        created_by: row.get(10)?,
        created_by_user: row.get(11)?,
        date_modified: micros(row.get(12)?),
        modified_by: row.get(13)?,
        modified_by_user: row.get(14)?,
        category,
        triggers: serde_json::from_str(&triggers).unwrap_or_default(),
        payload_format: PayloadFormat::parse(&payload).unwrap_or_default(),
        signature_format: SignatureFormat::parse(&signature).unwrap_or_default(),
        unpublished_reason: row.get(18)?,
        created_position: row.get(19)?,
        max_in_flight: MaxInFlight::stored(row.get(20)?),
        rate_limit: row.get::<Option<u64>>(21)?.and_then(|rate| RateLimit::new(rate).ok()),
    })
}

/// One hook.
pub fn find(conn: &Db<'_>, secrets: &SecretBox, id: HookId) -> eventlog::sql::Result<Option<Hook>> {
    conn.prepare_cached(&format!("{SELECT} WHERE h.id = ?1"))?
        .query_row([id.0], |row| hook_opened(row, secrets))
        .optional()
}

/// Inserts or replaces a hook's row, its secret sealed.
pub fn save(conn: &Db<'_>, secrets: &SecretBox, hook: &Hook) -> eventlog::sql::Result<()> {
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.timestamp_micros());
    conn.prepare_cached(
        "INSERT INTO hooks (id, name, description, webhook_url, secret, events_orderby_dir, is_published,
             publish_up, publish_down, date_added, created_by, created_by_user, date_modified, modified_by, modified_by_user,
             category_id, triggers, payload_format, signature_format, unpublished_reason, created_position,
             max_in_flight, rate_limit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, webhook_url = excluded.webhook_url, secret = excluded.secret, events_orderby_dir = excluded.events_orderby_dir, is_published = excluded.is_published, publish_up = excluded.publish_up, publish_down = excluded.publish_down, date_added = excluded.date_added, created_by = excluded.created_by, created_by_user = excluded.created_by_user, date_modified = excluded.date_modified, modified_by = excluded.modified_by, modified_by_user = excluded.modified_by_user, category_id = excluded.category_id, triggers = excluded.triggers, payload_format = excluded.payload_format, signature_format = excluded.signature_format, unpublished_reason = excluded.unpublished_reason, created_position = excluded.created_position, max_in_flight = excluded.max_in_flight, rate_limit = excluded.rate_limit",
    )?
    .execute(params![
        hook.id.0,
        hook.name,
        hook.description,
        hook.webhook_url,
        seal(secrets, &hook.secret),
        hook.events_orderby_dir.map(OrderDir::as_str),
        hook.is_published,
        time(hook.publish_up),
        time(hook.publish_down),
        hook.date_added.timestamp_micros(),
        hook.created_by,
        hook.created_by_user,
        time(hook.date_modified),
        hook.modified_by,
        hook.modified_by_user,
        hook.category.as_ref().map(|c| c.id),
        serde_json::to_string(&hook.triggers).unwrap_or_else(|_| "[]".into()),
        hook.payload_format.as_str(),
        hook.signature_format.as_str(),
        hook.unpublished_reason,
        hook.created_position,
        hook.max_in_flight.get(),
        hook.rate_limit.map(|rate| rate.per_second().get()),
    ])?;
    Ok(())
}

/// A page of hooks matching a list query, and the total matching.
pub fn list(
    conn: &Db<'_>,
    secrets: &SecretBox,
    query: &super::listing::HookQuery,
) -> eventlog::sql::Result<(u64, Vec<Hook>)> {
    let (where_sql, values) = query.where_sql();
    let total: u64 = conn
        .prepare(&format!("SELECT count(*) FROM hooks h{where_sql}"))?
        .query_row(eventlog::sql::params_from_iter(values), |row| row.get(0))?;
    let sql = format!(
        "{SELECT}{where_sql} ORDER BY {}, h.id LIMIT {} OFFSET {}",
        query.order.sql(),
        query.page.limit,
        query.page.start
    );
    let hooks = conn
        .prepare(&sql)?
        .query_map(eventlog::sql::params_from_iter(values), |row| hook_opened(row, secrets))?
        .collect::<Result<_, _>>()?;
    Ok((total, hooks))
}

/// Deletes a hook's row.
pub fn delete(conn: &Db<'_>, id: HookId) -> eventlog::sql::Result<()> {
    conn.prepare_cached("DELETE FROM hooks WHERE id = ?1")?.execute([id.0])?;
    Ok(())
}

/// Every hook, by id (for matching and delivery).
pub fn all(conn: &Db<'_>, secrets: &SecretBox) -> eventlog::sql::Result<Vec<Hook>> {
    conn.prepare_cached(&format!("{SELECT} ORDER BY h.id"))?.query_map([], |row| hook_opened(row, secrets))?.collect()
}

/// Seals every secret still stored in plain text (rows written before secrets were sealed);
/// answers how many.
pub fn seal_plaintext(conn: &Db<'_>, secrets: &SecretBox) -> eventlog::sql::Result<usize> {
    let plain: Vec<(u64, String)> = conn
        .prepare("SELECT id, secret FROM hooks WHERE secret NOT LIKE 'sealed:%'")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, secret) in &plain {
        conn.execute("UPDATE hooks SET secret = ?2 WHERE id = ?1", params![id, seal(secrets, secret)])?;
    }
    Ok(plain.len())
}

/// Seals every hook's sealed secret again with the key of `to`; answers how many hooks. Fails,
/// changing nothing, on a secret that `from` cannot open.
pub fn reseal(conn: &Db<'_>, from: &SecretBox, to: &SecretBox) -> eventlog::sql::Result<usize> {
    let sealed: Vec<(u64, String)> = conn
        .prepare("SELECT id, secret FROM hooks WHERE secret LIKE 'sealed:%' ORDER BY id")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, stored) in &sealed {
        let opened = open(from, stored).map_err(|_| {
            eventlog::sql::SqlError::Invalid(format!("hook {id}'s secret does not open with the current master key"))
        })?;
        conn.execute("UPDATE hooks SET secret = ?2 WHERE id = ?1", params![id, seal(to, &opened)])?;
    }
    Ok(sealed.len())
}

fn category(row: &Row<'_>) -> eventlog::sql::Result<Category> {
    Ok(Category {
        id: row.get(0)?,
        title: row.get(1)?,
        alias: row.get(2)?,
        description: row.get(3)?,
        color: row.get(4)?,
        bundle: row.get(5)?,
        created_by_user: row.get(6)?,
        modified_by_user: None,
    })
}

const CATEGORY: &str = "SELECT id, title, alias, description, color, bundle, created_by_user FROM categories";

/// One category.
pub fn find_category(conn: &Db<'_>, id: u64) -> eventlog::sql::Result<Option<Category>> {
    conn.prepare_cached(&format!("{CATEGORY} WHERE id = ?1"))?.query_row([id], category).optional()
}

/// Every category, by id.
pub fn categories(conn: &Db<'_>) -> eventlog::sql::Result<Vec<Category>> {
    conn.prepare_cached(&format!("{CATEGORY} ORDER BY id"))?.query_map([], category)?.collect()
}

/// The id the next category gets.
pub fn next_category_id(conn: &Db<'_>) -> eventlog::sql::Result<u64> {
    conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM categories", [], |row| row.get(0))
}

/// Inserts a category.
pub fn insert_category(conn: &Db<'_>, category: &Category) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO categories (id, title, alias, description, color, bundle, created_by_user) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        category.id,
        category.title,
        category.alias,
        category.description,
        category.color,
        category.bundle,
        category.created_by_user
    ])?;
    Ok(())
}
