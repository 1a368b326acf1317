//! `dealflow-bench`: benchmark scenarios. Each prints a table and one JSON line.

mod append;
mod bare;
mod copy;
mod dispatch;
mod dispatch_drain;
mod dispatch_report;
mod ingest;
mod load;
mod pages;
mod plain;
mod preset;
mod process;
mod replay;
mod sink;
mod stats;
mod store;
mod typeform;
mod verify;

use clap::{Parser, Subcommand};

/// Load generator and benchmarks for dealflow.
#[derive(Debug, Parser)]
#[command(name = "dealflow-bench", about)]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// Appends through the group-commit writer vs one transaction per append.
    Append(append::AppendArgs),
    /// Signed inbound requests/s against `dealflow serve`, then checks every deal exists.
    Ingest(ingest::IngestArgs),
    /// Outbound deliveries/s against a local receiver, in immediate or queue mode.
    Dispatch(dispatch::DispatchArgs),
    /// Times each console page's GET over a database of N deals (100,000 by default).
    Pages(pages::PagesArgs),
    /// Times `dealflow projections rebuild` over a log of N realistic events.
    Replay(replay::ReplayArgs),
    /// Times `dealflow store copy` (copy, rebuild, hash check) of a log of N realistic events.
    Copy(copy::CopyArgs),
    /// (internal) the bare HMAC-and-parse baseline server used by `ingest --bare`.
    #[command(hide = true)]
    BareServer(bare::BareArgs),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().scenario {
        Scenario::Append(args) => append::run(&args),
        Scenario::Ingest(args) => ingest::run(&args),
        Scenario::Replay(args) => replay::run(&args),
        Scenario::Copy(args) => copy::run(&args),
        Scenario::Pages(args) => pages::run(&args),
        Scenario::Dispatch(args) => dispatch::run(&args),
        Scenario::BareServer(args) => bare::serve(args),
    }
}
