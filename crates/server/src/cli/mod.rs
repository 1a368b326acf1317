//! The subcommands of `dealflow`.

mod dispatch;
mod events;
mod master_key;
mod source_requests;
mod sources;
mod store;
mod users;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::database::open_existing;
use crate::settings::Settings;
use crate::startup::{Application, open_log};

/// dealflow: a webhook hub for sales pipelines.
#[derive(Debug, Parser)]
#[command(name = "dealflow", version, about)]
pub struct Cli {
    /// Configuration file (default: ./dealflow.toml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API, the projector and the dispatcher.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage users and API tokens.
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// Manage inbound sources.
    #[command(subcommand)]
    Sources(sources::SourcesCommand),
    /// Read the event history.
    #[command(subcommand)]
    Events(events::EventsCommand),
    /// Maintain the read models.
    #[command(subcommand)]
    Projections(events::ProjectionsCommand),
    /// Move a whole store to another database.
    #[command(subcommand)]
    Store(store::StoreCommand),
    /// Send the queued webhook deliveries once and exit (for system cron), like Mautic's
    /// `mautic:webhooks:process`.
    Dispatch(dispatch::DispatchArgs),
    /// Print the X-DealFlow-Signature header value for a body (FILE, or standard input).
    Sign {
        /// The source's secret.
        #[arg(long, env = "DEALFLOW_SOURCE_SECRET")]
        secret: String,
        /// The body file; `-` or none reads standard input.
        file: Option<PathBuf>,
    },
    /// Rotate the master key that seals source and hook secrets.
    #[command(subcommand, name = "master-key")]
    MasterKey(master_key::MasterKeyCommand),
    /// Print the OpenAPI 3.1 document of the HTTP API (as `GET /api/openapi.json` serves it).
    Openapi,
}

/// Runs one subcommand.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref(), |name| std::env::var(name).ok())?;
    match cli.command {
        Command::Serve => Application::build(settings).await?.run_until_stopped().await,
        Command::Migrate => {
            settings.validate()?;
            let log = open_log(&settings)?;
            println!("database {} is up to date", log.database().redacted());
            Ok(())
        }
        Command::Users(command) => users::run(command, &open_existing(&settings)?).await,
        Command::Sources(command) => {
            let log = open_existing(&settings)?;
            crate::database::require_master_key(&log, &settings)?;
            let ingest = ingest::Ingest::new(log, settings.ingest.clone(), public_url(&settings)?)?;
            ingest::key_check::verify(&ingest.log, &ingest.secrets).await?;
            if command.prints_urls() && settings.server.address_is_default() {
                eprintln!("{}", default_address_note(&ingest.public_url));
            }
            sources::run(command, &ingest).await
        }
        Command::Dispatch(args) => dispatch::run(args, &settings).await,
        Command::MasterKey(command) => master_key::run(command, &settings).await,
        Command::Sign { secret, file } => sources::sign(&secret, file),
        Command::Openapi => {
            print!("{}", crate::openapi::document_text());
            Ok(())
        }
        Command::Events(command) => events::run(command, &open_existing(&settings)?).await,
        Command::Projections(command) => events::rebuild(command, &open_existing(&settings)?).await,
        Command::Store(command) => store::run(command, &settings).await,
    }
}

/// The base of the URLs shown to users, computed as `serve` computes it: `public_url`, or
/// `http://<listen>`.
pub fn public_url(settings: &Settings) -> anyhow::Result<String> {
    Ok(settings.server.public_url(settings.server.listen_addr()?))
}

/// Said on standard error when a command prints endpoint URLs but neither
/// `DEALFLOW_PUBLIC_URL` nor `DEALFLOW_LISTEN` (nor the configuration file) says where the
/// server is reached.
fn default_address_note(base: &str) -> String {
    format!(
        "note: these URLs assume the server's default address {base}; set DEALFLOW_PUBLIC_URL (or \
         DEALFLOW_LISTEN) for this command as the server has it"
    )
}
