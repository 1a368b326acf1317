//! `dealflow users add|passwd|token`.

use api::Role;
use clap::{Subcommand, ValueEnum};
use eventlog::{SqliteEventLog, StorageError};

use crate::auth::passwords::{check_chosen_password, hash_password, random_secret};
use crate::auth::users;

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

/// Runs a user command against the database.
pub async fn run(command: UsersCommand, log: &SqliteEventLog) -> anyhow::Result<()> {
    match command {
        UsersCommand::Add { username, role, password } => add(log, username, role.into(), password).await,
        UsersCommand::Passwd { username, password } => passwd(log, username, password).await,
        UsersCommand::Token { username, name } => token(log, username, name).await,
    }
}

fn password_or_generated(password: Option<String>) -> anyhow::Result<(String, bool)> {
    match password {
        Some(password) => {
            check_chosen_password(&password).map_err(|problem| anyhow::anyhow!("the password {problem}"))?;
            Ok((password, false))
        }
        None => Ok((random_secret(18), true)),
    }
}

async fn add(log: &SqliteEventLog, username: String, role: Role, password: Option<String>) -> anyhow::Result<()> {
    let username = username.trim().to_owned();
    anyhow::ensure!(!username.is_empty() && !username.contains(':'), "a username must be non-empty and without ':'");
    let (password, generated) = password_or_generated(password)?;
    let hash = hash_password(&password)?;
    let name = username.clone();
    let id = log
        .write(move |tx| {
            if users::find_by_username(tx.sql(), &name)?.is_some() {
                return Ok(None);
            }
            Ok::<_, StorageError>(Some(users::insert(
                tx.sql(),
                &name,
                role,
                &hash,
                tx.recorded_at().timestamp_micros(),
            )?))
        })
        .await?;
    let id = id.ok_or_else(|| anyhow::anyhow!("user {username:?} already exists; use `dealflow users passwd`"))?;
    println!("created user {username} (id {id}, role {})", role.as_str());
    if generated {
        println!("password: {password}\n(shown only this once)");
    }
    Ok(())
}

async fn passwd(log: &SqliteEventLog, username: String, password: Option<String>) -> anyhow::Result<()> {
    let (password, generated) = password_or_generated(password)?;
    let hash = hash_password(&password)?;
    let name = username.clone();
    let found = log
        .write(move |tx| {
            let Some(user) = users::find_by_username(tx.sql(), &name)? else { return Ok(false) };
            users::set_password(tx.sql(), user.id, &hash, tx.recorded_at().timestamp_micros())?;
            Ok::<_, StorageError>(true)
        })
        .await?;
    anyhow::ensure!(found, "no user named {username:?}");
    println!("password of {username} changed (running servers accept the old one for at most a minute)");
    if generated {
        println!("password: {password}\n(shown only this once)");
    }
    Ok(())
}

async fn token(log: &SqliteEventLog, username: String, label: String) -> anyhow::Result<()> {
    let secret = random_secret(32);
    let hash = hash_password(&secret)?;
    let name = username.clone();
    let token_id = log
        .write(move |tx| {
            let Some(user) = users::find_by_username(tx.sql(), &name)? else { return Ok(None) };
            let now = tx.recorded_at().timestamp_micros();
            Ok::<_, StorageError>(Some(users::insert_token(tx.sql(), user.id, &label, &hash, now)?))
        })
        .await?
        .ok_or_else(|| anyhow::anyhow!("no user named {username:?}"))?;
    println!("{}{token_id}_{secret}", crate::auth::TOKEN_PREFIX);
    eprintln!("(send it as `Authorization: Bearer <token>`; it is shown only this once)");
    Ok(())
}
