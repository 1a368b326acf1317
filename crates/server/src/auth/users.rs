//! The users and tokens tables. Writes go through the log's writer (one writer per database);
//! reads use any connection.

use api::Role;
use domain::ids::UserId;
use eventlog::sql::{Db, Optional};

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

fn user_from_row(row: &eventlog::sql::Row<'_>) -> eventlog::sql::Result<UserRecord> {
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
pub fn find_by_username(conn: &Db<'_>, username: &str) -> eventlog::sql::Result<Option<UserRecord>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE lower(username) = lower(?1)"))?
        .query_row([username], user_from_row)
        .optional()
}

/// The user with this id.
pub fn find_by_id(conn: &Db<'_>, id: UserId) -> eventlog::sql::Result<Option<UserRecord>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id.0], user_from_row)
        .optional()
}

/// How many users exist.
pub fn count(conn: &Db<'_>) -> eventlog::sql::Result<u64> {
    conn.query_row("SELECT count(*) FROM users", [], |row| row.get(0))
}

/// Creates a user and answers its id.
pub fn insert(
    conn: &Db<'_>,
    username: &str,
    role: Role,
    password_hash: &str,
    now: i64,
) -> eventlog::sql::Result<UserId> {
    conn.query_row(
        "INSERT INTO users (username, role, password_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
         RETURNING id",
        (username, role.as_str(), password_hash, now),
        |row| Ok(UserId(row.get(0)?)),
    )
}

/// Replaces a user's password hash.
pub fn set_password(conn: &Db<'_>, id: UserId, password_hash: &str, now: i64) -> eventlog::sql::Result<()> {
    conn.execute("UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1", (id.0, password_hash, now))?;
    Ok(())
}

/// Stores a token's hash and answers the token's id.
pub fn insert_token(conn: &Db<'_>, user: UserId, name: &str, token_hash: &str, now: i64) -> eventlog::sql::Result<u64> {
    conn.query_row(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        (user.0, name, token_hash, now),
        |row| row.get(0),
    )
}

/// The owner and hash of a token.
pub fn find_token(conn: &Db<'_>, token_id: u64) -> eventlog::sql::Result<Option<(UserId, String)>> {
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

fn row_from(row: &eventlog::sql::Row<'_>) -> eventlog::sql::Result<UserRow> {
    Ok(UserRow { user: user_from_row(row)?, created_at: row.get(7)?, tokens: row.get(8)? })
}

/// How many users match `like` (a `LIKE` pattern on the username), and a page of them by id.
pub fn list(conn: &Db<'_>, like: &str, start: u64, limit: u64) -> eventlog::sql::Result<(u64, Vec<UserRow>)> {
    let total =
        conn.query_row("SELECT count(*) FROM users WHERE lower(username) LIKE lower(?1) ESCAPE '\\'", [like], |r| {
            r.get(0)
        })?;
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {LISTED} FROM users u WHERE lower(u.username) LIKE lower(?1) ESCAPE '\\' ORDER BY u.id LIMIT ?2 OFFSET ?3"
        ))?
        .query_map((like, limit, start), row_from)?
        .collect::<eventlog::sql::Result<_>>()?;
    Ok((total, rows))
}

/// One user as listed.
pub fn find_row(conn: &Db<'_>, id: UserId) -> eventlog::sql::Result<Option<UserRow>> {
    conn.prepare_cached(&format!("SELECT {LISTED} FROM users u WHERE u.id = ?1"))?
        .query_row([id.0], row_from)
        .optional()
}

/// How many admins exist.
pub fn count_admins(conn: &Db<'_>) -> eventlog::sql::Result<u64> {
    conn.query_row("SELECT count(*) FROM users WHERE role = 'admin'", [], |row| row.get(0))
}

/// Changes a user's role.
pub fn set_role(conn: &Db<'_>, id: UserId, role: Role, now: i64) -> eventlog::sql::Result<()> {
    conn.execute("UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1", (id.0, role.as_str(), now))?;
    Ok(())
}

/// Deletes a user and (by the foreign key) its tokens.
pub fn delete(conn: &Db<'_>, id: UserId) -> eventlog::sql::Result<()> {
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
pub fn list_tokens(conn: &Db<'_>, user: UserId) -> eventlog::sql::Result<Vec<TokenRow>> {
    conn.prepare_cached("SELECT id, name, created_at FROM api_tokens WHERE user_id = ?1 ORDER BY id")?
        .query_map([user.0], |row| Ok(TokenRow { id: row.get(0)?, name: row.get(1)?, created_at: row.get(2)? }))?
        .collect()
}

/// Deletes one of a user's tokens.
pub fn delete_token(conn: &Db<'_>, user: UserId, token_id: u64) -> eventlog::sql::Result<()> {
    conn.execute("DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2", (token_id, user.0))?;
    Ok(())
}
