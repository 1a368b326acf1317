//! `dealflow`: the webhook hub for sales pipelines. See `dealflow --help`.

use std::process::ExitCode;

use clap::Parser;
use server::cli::{self, Cli};

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
