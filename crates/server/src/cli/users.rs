//! `dealflow users add|passwd|token|list|delete|tokens|revoke`: the commands of
//! [`crate::auth::manage`] (the ones the API and the console run), by username.

use api::{ApiError, ListParams, Role};
use clap::{Subcommand, ValueEnum};
use domain::ids::UserId;
use eventlog::{EventStore, StorageError};
use serde_json::{Map, Value, json};

use crate::auth::manage::{self, UserView};
use crate::auth::{user_input, users};

/// User management.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user; prints a generated password when none is given.
    Add {
        username: String,
        #[arg(long, value_enum, default_value = "analyst")]
        role: RoleArg,
        /// The password (default: generated and printed once). Prefer DEALFLOW_USER_PASSWORD:
        /// a command line is visible to other local users (`ps`).
        #[arg(long, env = "DEALFLOW_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Set a user's password; prints a generated one when none is given.
    Passwd {
        username: String,
        /// The new password (default: generated and printed once). Prefer DEALFLOW_USER_PASSWORD:
        /// a command line is visible to other local users (`ps`).
        #[arg(long, env = "DEALFLOW_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Issue an API token for a user (shown only once).
    Token {
        username: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// List the users: id, username, role, number of tokens.
    List,
    /// Delete a user and its tokens (never the last admin).
    Delete { username: String },
    /// List a user's API tokens: id, label, when issued.
    Tokens { username: String },
    /// Revoke one of a user's API tokens, by the id `tokens` lists.
    Revoke { username: String, token_id: u64 },
}

/// A role on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Analyst,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Analyst => Role::Analyst,
        }
    }
}

/// An API error as one line: its message, and each field's messages (`the password is …`).
fn failed(error: ApiError) -> anyhow::Error {
    let fields = error.details.as_object().into_iter().flatten();
    let problems: Vec<String> = fields
        .flat_map(|(field, messages)| {
            let messages = messages.as_array().cloned().unwrap_or_default();
            messages.into_iter().map(move |m| format!("the {field} {}", m.as_str().unwrap_or_default()))
        })
        .collect();
    if problems.is_empty() { anyhow::anyhow!("{}", error.message) } else { anyhow::anyhow!("{}", problems.join("; ")) }
}

/// Runs a user command against the database.
pub async fn run(command: UsersCommand, log: &EventStore) -> anyhow::Result<()> {
    match command {
        UsersCommand::Add { username, role, password } => add(log, username, role.into(), password).await,
        UsersCommand::Passwd { username, password } => passwd(log, &username, password).await,
        UsersCommand::Token { username, name } => token(log, &username, name).await,
        UsersCommand::List => list(log).await,
        UsersCommand::Delete { username } => {
            let user = manage::delete(log, None, id_of(log, &username).await?).await.map_err(failed)?;
            println!("deleted user {} (id {}) and its {} token(s)", user.username, user.id, user.token_count);
            Ok(())
        }
        UsersCommand::Tokens { username } => {
            let tokens = manage::tokens(log, id_of(log, &username).await?).await.map_err(failed)?;
            println!("{:>6}  {:<20}  issued", "id", "name");
            for token in tokens {
                println!("{:>6}  {:<20}  {}", token.id, token.name, token.created_at);
            }
            Ok(())
        }
        UsersCommand::Revoke { username, token_id } => {
            let token = manage::revoke_token(log, id_of(log, &username).await?, token_id).await.map_err(failed)?;
            println!(
                "revoked token {} ({}) of {username} (running servers may accept it for a minute)",
                token.id, token.name
            );
            Ok(())
        }
    }
}

async fn id_of(log: &EventStore, username: &str) -> anyhow::Result<UserId> {
    let name = username.to_owned();
    let user = log.read_async(move |conn| users::find_by_username(conn, &name).map_err(StorageError::from)).await?;
    Ok(user.ok_or_else(|| anyhow::anyhow!("no user named {username:?}"))?.id)
}

fn body(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

async fn add(log: &EventStore, username: String, role: Role, password: Option<String>) -> anyhow::Result<()> {
    let input = json!({ "username": username, "role": role.as_str(), "password": password });
    let input = user_input::parse_new(&body(input)).map_err(|e| failed(e.into()))?;
    let (user, generated) = manage::add(log, input).await.map_err(failed)?;
    println!("created user {} (id {}, role {})", user.username, user.id, user.role);
    if let Some(password) = generated {
        println!("password: {password}\n(shown only this once)");
    }
    Ok(())
}

async fn passwd(log: &EventStore, username: &str, password: Option<String>) -> anyhow::Result<()> {
    let id = id_of(log, username).await?;
    let generated = match password {
        Some(password) => {
            let edit = user_input::parse_edit(&body(json!({ "password": password }))).map_err(|e| failed(e.into()))?;
            manage::edit(log, None, id, edit).await.map_err(failed)?;
            None
        }
        None => Some(manage::reset_password(log, id).await.map_err(failed)?.1),
    };
    println!("password of {username} changed (running servers accept the old one for at most a minute)");
    if let Some(password) = generated {
        println!("password: {password}\n(shown only this once)");
    }
    Ok(())
}

async fn token(log: &EventStore, username: &str, label: String) -> anyhow::Result<()> {
    let (_, value) = manage::issue_token(log, id_of(log, username).await?, label).await.map_err(failed)?;
    println!("{value}");
    eprintln!("(send it as `Authorization: Bearer <token>`; it is shown only this once)");
    Ok(())
}

async fn list(log: &EventStore) -> anyhow::Result<()> {
    let mut start = 0;
    println!("{:>6}  {:<24}  {:<8}  tokens", "id", "username", "role");
    loop {
        let params = ListParams::new(vec![("start".into(), start.to_string()), ("limit".into(), "100".into())]);
        let (total, page): (u64, Vec<UserView>) = manage::list(log, &params).await.map_err(failed)?;
        for user in &page {
            println!("{:>6}  {:<24}  {:<8}  {}", user.id, user.username, user.role, user.token_count);
        }
        start += page.len() as u64;
        if page.is_empty() || start >= total {
            return Ok(());
        }
    }
}
