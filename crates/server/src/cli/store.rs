//! `dealflow store copy`: the command line of [`store_copy`](crate::store_copy).

use clap::{Args, Subcommand};
use eventlog::Database;

use crate::settings::Settings;
use crate::store_copy::{self, CopyRequest};

/// Moving a whole store.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy an installation to another database (SQLite to PostgreSQL, or any other way), rebuild
    /// its read models there and check that both logs match. Stop every node of the source
    /// first. Run it again to resume after an interruption.
    Copy(CopyArgs),
}

/// `dealflow store copy --from DATABASE --to DATABASE`
#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The store to copy: a SQLite path, `sqlite:PATH` or `postgres://…`. Never changed.
    #[arg(long, value_name = "DATABASE")]
    from: String,
    /// The store to copy into: a SQLite path (created if missing) or an existing PostgreSQL
    /// database, empty or holding an interrupted copy of the same source.
    #[arg(long, value_name = "DATABASE")]
    to: String,
    /// Events per target transaction.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..), hide = true)]
    chunk: u32,
}

/// Runs a store command.
pub async fn run(command: StoreCommand, settings: &Settings) -> anyhow::Result<()> {
    let StoreCommand::Copy(args) = command;
    let request = CopyRequest {
        from: Database::parse(&args.from),
        to: Database::parse(&args.to),
        chunk: usize::try_from(args.chunk).unwrap_or(usize::MAX),
    };
    let ingest = settings.ingest.clone();
    let runtime = tokio::runtime::Handle::current();
    // The copy is synchronous (PostgreSQL's client among it) and long: off the async threads.
    tokio::task::spawn_blocking(move || store_copy::run(&request, &ingest, &runtime))
        .await
        .map_err(|e| anyhow::anyhow!("the copy stopped unexpectedly: {e}"))?
}
