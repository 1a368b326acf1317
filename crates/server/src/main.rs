//! `dealflow`: the webhook hub for sales pipelines. See `dealflow --help`.

use std::process::ExitCode;

use clap::Parser;
use server::cli::{self, Cli};

// glibc's malloc was a fifth of the server's CPU under load (threads contending for arenas);
// mimalloc also serves SQLite's allocations (its "override" feature).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    server::telemetry::init();
    match cli::run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
