//! The users commands and queries: list, add, edit (role, password), reset a password, delete,
//! and list, issue or revoke a user's API tokens. The API (`/api/users…`), the console's Users
//! page and `dealflow users …` all run these, so each rule lives here once: nobody deletes or
//! demotes themselves, and the last admin stays an admin.
//!
//! Generated passwords and token secrets are answered once, to be shown once; only their argon2
//! hashes are stored.

use api::{ApiError, ListParams, Role, like_pattern};
use chrono::{DateTime, SecondsFormat, Utc};
use domain::ids::UserId;
use eventlog::{EventStore, StorageError};
use serde::Serialize;

use super::passwords::{hash_password, random_secret};
use super::user_input::{NewUser, UserEdit};
use super::users::{self, TokenRow, UserRow};

/// A user as the API answers it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: u64,
    pub username: String,
    pub name: String,
    pub role: &'static str,
    pub email: Option<String>,
    pub created_at: String,
    pub token_count: u64,
}

/// A token as the API answers it (never its secret after it was issued).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: u64,
    pub user_id: u64,
    pub name: String,
    pub created_at: String,
}

fn time(micros: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(micros).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl From<UserRow> for UserView {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.user.id.0,
            name: row.user.display_name(),
            username: row.user.username,
            role: row.user.role.as_str(),
            email: row.user.email,
            created_at: time(row.created_at),
            token_count: row.tokens,
        }
    }
}

fn token_view(user: UserId, row: TokenRow) -> TokenView {
    TokenView { id: row.id, user_id: user.0, name: row.name, created_at: time(row.created_at) }
}

fn no_user(id: UserId) -> ApiError {
    ApiError::not_found(format!("user {id} does not exist"))
}

/// Who asks: a signed-in user (API, console), or the operator at the command line (`None`).
pub type Actor = Option<UserId>;

async fn hashed(secret: String) -> Result<String, ApiError> {
    let hash = tokio::task::spawn_blocking(move || hash_password(&secret)).await.map_err(ApiError::internal)?;
    hash.map_err(ApiError::internal)
}

/// Runs `write` in a write transaction; its own refusals pass through.
async fn write<T: Send + 'static>(
    log: &EventStore,
    write: impl FnOnce(&eventlog::sql::Db<'_>, i64) -> Result<Result<T, ApiError>, eventlog::sql::SqlError> + Send + 'static,
) -> Result<T, ApiError> {
    // The outer error is the storage's; the inner one the command's own refusal.
    log.write(move |tx| {
        let now = tx.recorded_at().timestamp_micros();
        write(tx.sql(), now).map_err(StorageError::from)
    })
    .await?
}

async fn read<T: Send + 'static>(
    log: &EventStore,
    read: impl FnOnce(&eventlog::sql::Db<'_>) -> eventlog::sql::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    Ok(log.read_async(move |conn| read(conn).map_err(StorageError::from)).await?)
}

/// `search` (part of a username), `start`, `limit` (default 30, at most 100).
pub async fn list(log: &EventStore, params: &ListParams) -> Result<(u64, Vec<UserView>), ApiError> {
    let page = params.page(30, 100)?;
    let like = like_pattern(params.get("search").unwrap_or_default());
    let (total, rows) = read(log, move |conn| users::list(conn, &like, page.start, page.limit)).await?;
    Ok((total, rows.into_iter().map(UserView::from).collect()))
}

/// One user, or 404.
pub async fn find(log: &EventStore, id: UserId) -> Result<UserView, ApiError> {
    read(log, move |conn| users::find_row(conn, id)).await?.map(UserView::from).ok_or_else(|| no_user(id))
}

/// Creates a user; answers it and the generated password when none was given.
pub async fn add(log: &EventStore, input: NewUser) -> Result<(UserView, Option<String>), ApiError> {
    let generated = input.password.is_none().then(|| random_secret(18));
    let hash = hashed(input.password.clone().or_else(|| generated.clone()).unwrap_or_default()).await?;
    let id = write(log, move |conn, now| {
        if users::find_by_username(conn, &input.username)?.is_some() {
            let taken = format!("is taken: user {:?} already exists", input.username);
            return Ok(Err(ApiError::invalid_field("username", taken)));
        }
        Ok(Ok(users::insert(conn, &input.username, input.role, &hash, now)?))
    })
    .await?;
    Ok((find(log, id).await?, generated))
}

/// Why `actor` may not take the admin role away from `target` (or delete it); `what` names the
/// action in the message.
fn keeps_an_admin(
    conn: &eventlog::sql::Db<'_>,
    actor: Actor,
    target: &UserRow,
    what: &str,
) -> eventlog::sql::Result<Option<String>> {
    if actor == Some(target.user.id) {
        return Ok(Some(format!("you cannot {what} yourself; another admin can")));
    }
    if target.user.role == Role::Admin && users::count_admins(conn)? <= 1 {
        let name = &target.user.username;
        return Ok(Some(format!("cannot {what} {name}: the last admin; make another user an admin first")));
    }
    Ok(None)
}

/// Changes a user's role and/or password. Nobody changes their own role, and the last admin
/// stays one.
pub async fn edit(log: &EventStore, actor: Actor, id: UserId, edit: UserEdit) -> Result<UserView, ApiError> {
    let hash = match edit.password {
        Some(password) => Some(hashed(password).await?),
        None => None,
    };
    write(log, move |conn, now| {
        let Some(target) = users::find_row(conn, id)? else { return Ok(Err(no_user(id))) };
        if let Some(role) = edit.role.filter(|role| *role != target.user.role) {
            if let Some(refusal) = keeps_an_admin(conn, actor, &target, "change the role of")? {
                return Ok(Err(ApiError::invalid_field("role", refusal)));
            }
            users::set_role(conn, id, role, now)?;
        }
        if let Some(hash) = &hash {
            users::set_password(conn, id, hash, now)?;
        }
        Ok(Ok(()))
    })
    .await?;
    find(log, id).await
}

/// Gives a user a generated password; answers it, to be shown once.
pub async fn reset_password(log: &EventStore, id: UserId) -> Result<(UserView, String), ApiError> {
    let password = random_secret(18);
    let user = edit(log, None, id, UserEdit { role: None, password: Some(password.clone()) }).await?;
    Ok((user, password))
}

/// Deletes a user and its tokens; answers the user as it was. Nobody deletes themselves, and the
/// last admin stays.
pub async fn delete(log: &EventStore, actor: Actor, id: UserId) -> Result<UserView, ApiError> {
    let before = write(log, move |conn, _| {
        let Some(target) = users::find_row(conn, id)? else { return Ok(Err(no_user(id))) };
        if let Some(refusal) = keeps_an_admin(conn, actor, &target, "delete")? {
            return Ok(Err(ApiError::conflict(refusal)));
        }
        users::delete(conn, id)?;
        Ok(Ok(target))
    })
    .await?;
    Ok(before.into())
}

/// A user's tokens, oldest first; 404 for an unknown user.
pub async fn tokens(log: &EventStore, id: UserId) -> Result<Vec<TokenView>, ApiError> {
    let rows = read(log, move |conn| {
        let exists = users::find_by_id(conn, id)?.is_some();
        exists.then(|| users::list_tokens(conn, id)).transpose()
    })
    .await?;
    let rows = rows.ok_or_else(|| no_user(id))?;
    Ok(rows.into_iter().map(|row| token_view(id, row)).collect())
}

/// Issues a token for a user; answers it and its full value (`dft_<id>_<secret>`), shown once.
pub async fn issue_token(log: &EventStore, id: UserId, name: String) -> Result<(TokenView, String), ApiError> {
    let secret = random_secret(32);
    let hash = hashed(secret.clone()).await?;
    let token = write(log, move |conn, now| {
        if users::find_by_id(conn, id)?.is_none() {
            return Ok(Err(no_user(id)));
        }
        let token_id = users::insert_token(conn, id, &name, &hash, now)?;
        Ok(Ok(TokenRow { id: token_id, name, created_at: now }))
    })
    .await?;
    let value = format!("{}{}_{secret}", super::TOKEN_PREFIX, token.id);
    Ok((token_view(id, token), value))
}

/// Revokes one of a user's tokens; answers it as it was.
pub async fn revoke_token(log: &EventStore, id: UserId, token_id: u64) -> Result<TokenView, ApiError> {
    write(log, move |conn, _| {
        if users::find_by_id(conn, id)?.is_none() {
            return Ok(Err(no_user(id)));
        }
        let found = users::list_tokens(conn, id)?.into_iter().find(|t| t.id == token_id);
        let Some(token) = found else {
            return Ok(Err(ApiError::not_found(format!("user {id} has no token {token_id}"))));
        };
        users::delete_token(conn, id, token_id)?;
        Ok(Ok(token_view(id, token)))
    })
    .await
}
