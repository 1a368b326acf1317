//! The users and tokens tables. Writes go through the log's writer (one writer per database);
//! reads use any connection.

use api::Role;
use domain::ids::UserId;
use rusqlite::{Connection, OptionalExtension};

/// A stored user.
#[derive(Clone, Debug)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub password_hash: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
}

impl UserRecord {
    /// The name shown as `changed_by` and `createdByUser`.
    pub fn display_name(&self) -> String {
        let full =
            [self.first_name.as_deref(), self.last_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        if full.trim().is_empty() { self.username.clone() } else { full }
    }
}

const COLUMNS: &str = "id, username, role, password_hash, first_name, last_name, email";

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserRecord> {
    let role: String = row.get(2)?;
    Ok(UserRecord {
        id: UserId(row.get(0)?),
        username: row.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Analyst),
        password_hash: row.get(3)?,
        first_name: row.get(4)?,
        last_name: row.get(5)?,
        email: row.get(6)?,
    })
}

/// The user with this name (case-insensitive).
pub fn find_by_username(conn: &Connection, username: &str) -> rusqlite::Result<Option<UserRecord>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE username = ?1"))?
        .query_row([username], user_from_row)
        .optional()
}

/// The user with this id.
pub fn find_by_id(conn: &Connection, id: UserId) -> rusqlite::Result<Option<UserRecord>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id.0], user_from_row)
        .optional()
}

/// How many users exist.
pub fn count(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row("SELECT count(*) FROM users", [], |row| row.get(0))
}

/// Creates a user and answers its id.
pub fn insert(
    conn: &Connection,
    username: &str,
    role: Role,
    password_hash: &str,
    now: i64,
) -> rusqlite::Result<UserId> {
    conn.execute(
        "INSERT INTO users (username, role, password_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        (username, role.as_str(), password_hash, now),
    )?;
    Ok(UserId(u64::try_from(conn.last_insert_rowid()).unwrap_or_default()))
}

/// Replaces a user's password hash.
pub fn set_password(conn: &Connection, id: UserId, password_hash: &str, now: i64) -> rusqlite::Result<()> {
    conn.execute("UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1", (id.0, password_hash, now))?;
    Ok(())
}

/// Stores a token's hash and answers the token's id.
pub fn insert_token(conn: &Connection, user: UserId, name: &str, token_hash: &str, now: i64) -> rusqlite::Result<u64> {
    conn.execute(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        (user.0, name, token_hash, now),
    )?;
    Ok(u64::try_from(conn.last_insert_rowid()).unwrap_or_default())
}

/// The owner and hash of a token.
pub fn find_token(conn: &Connection, token_id: u64) -> rusqlite::Result<Option<(UserId, String)>> {
    conn.prepare_cached("SELECT user_id, token_hash FROM api_tokens WHERE id = ?1")?
        .query_row([token_id], |row| Ok((UserId(row.get(0)?), row.get(1)?)))
        .optional()
}

/// A user as listed: what an admin sees, never the hash.
#[derive(Clone, Debug)]
pub struct UserRow {
    pub user: UserRecord,
    pub created_at: i64,
    pub tokens: u64,
}

const LISTED: &str = "u.id, u.username, u.role, u.password_hash, u.first_name, u.last_name, u.email, u.created_at,
    (SELECT count(*) FROM api_tokens t WHERE t.user_id = u.id)";

fn row_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow { user: user_from_row(row)?, created_at: row.get(7)?, tokens: row.get(8)? })
}

/// How many users match `like` (a `LIKE` pattern on the username), and a page of them by id.
pub fn list(conn: &Connection, like: &str, start: u64, limit: u64) -> rusqlite::Result<(u64, Vec<UserRow>)> {
    let total =
        conn.query_row("SELECT count(*) FROM users WHERE username LIKE ?1 ESCAPE '\\'", [like], |r| r.get(0))?;
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {LISTED} FROM users u WHERE u.username LIKE ?1 ESCAPE '\\' ORDER BY u.id LIMIT ?2 OFFSET ?3"
        ))?
        .query_map((like, limit, start), row_from)?
        .collect::<rusqlite::Result<_>>()?;
    Ok((total, rows))
}

/// One user as listed.
pub fn find_row(conn: &Connection, id: UserId) -> rusqlite::Result<Option<UserRow>> {
    conn.prepare_cached(&format!("SELECT {LISTED} FROM users u WHERE u.id = ?1"))?
        .query_row([id.0], row_from)
        .optional()
}

/// How many admins exist.
pub fn count_admins(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row("SELECT count(*) FROM users WHERE role = 'admin'", [], |row| row.get(0))
}

/// Changes a user's role.
pub fn set_role(conn: &Connection, id: UserId, role: Role, now: i64) -> rusqlite::Result<()> {
    conn.execute("UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1", (id.0, role.as_str(), now))?;
    Ok(())
}

/// Deletes a user and (by the foreign key) its tokens.
pub fn delete(conn: &Connection, id: UserId) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM api_tokens WHERE user_id = ?1", [id.0])?;
    conn.execute("DELETE FROM users WHERE id = ?1", [id.0])?;
    Ok(())
}

/// A token as listed: its id, label and time, never its hash.
#[derive(Clone, Debug)]
pub struct TokenRow {
    pub id: u64,
    pub name: String,
    pub created_at: i64,
}

/// A user's tokens, oldest first.
pub fn list_tokens(conn: &Connection, user: UserId) -> rusqlite::Result<Vec<TokenRow>> {
    conn.prepare_cached("SELECT id, name, created_at FROM api_tokens WHERE user_id = ?1 ORDER BY id")?
        .query_map([user.0], |row| Ok(TokenRow { id: row.get(0)?, name: row.get(1)?, created_at: row.get(2)? }))?
        .collect()
}

/// Deletes one of a user's tokens.
pub fn delete_token(conn: &Connection, user: UserId, token_id: u64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2", (token_id, user.0))?;
    Ok(())
}
