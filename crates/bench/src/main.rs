//! `dealflow-bench`: benchmark scenarios. Each prints a table and one JSON line.

mod append;
mod stats;

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
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().scenario {
        Scenario::Append(args) => append::run(&args),
    }
}
