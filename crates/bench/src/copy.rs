//! `dealflow-bench copy`: fills a SQLite log with N realistic events (as `replay` does), brings
//! it to the binary's schema with `dealflow migrate`, then times `dealflow store copy` of it
//! (copy, read-model rebuild and hash check) into a new SQLite file or a PostgreSQL database.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use clap::Args;
use serde_json::json;

use crate::process;
use crate::replay::fill;

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// Events in the source log.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// The target: an empty PostgreSQL database (`postgres://…`); default a new SQLite file
    /// beside the source.
    #[arg(long)]
    to: Option<String>,
    /// The dealflow binary (default: the one beside this benchmark).
    #[arg(long)]
    dealflow: Option<PathBuf>,
    /// Directory for the databases (default: a temporary directory).
    #[arg(long)]
    dir: Option<PathBuf>,
}

pub fn run(args: &CopyArgs) -> anyhow::Result<()> {
    let dir = match &args.dir {
        Some(dir) => tempfile::tempdir_in(dir)?,
        None => tempfile::tempdir()?,
    };
    let source = dir.path().join("source.db");
    let filling = Instant::now();
    let written = fill(&source, args.events, usize::MAX, true)?;
    eprintln!("filled a log with {written} events in {:.1} s", filling.elapsed().as_secs_f64());
    let binary = process::dealflow_binary(args.dealflow.as_deref())?;
    let migrated =
        Command::new(&binary).arg("migrate").env("DEALFLOW_DATABASE", &source).env("RUST_LOG", "warn").output()?;
    anyhow::ensure!(migrated.status.success(), "migrate failed: {}", String::from_utf8_lossy(&migrated.stderr));
    let target = args.to.clone().unwrap_or_else(|| dir.path().join("target.db").display().to_string());
    let started = Instant::now();
    let copied = Command::new(&binary)
        .args(["store", "copy", "--from", &source.display().to_string(), "--to", &target])
        .env("RUST_LOG", "warn")
        .output()?;
    let seconds = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&copied.stdout);
    anyhow::ensure!(copied.status.success(), "store copy failed: {stdout}{}", String::from_utf8_lossy(&copied.stderr));
    print!("{stdout}");
    let kind = if target.starts_with("postgres") { "postgres" } else { "sqlite" };
    println!("{:>10} {:>10} {:>10} {:>12}", "events", "target", "seconds", "events/s");
    println!("{written:>10} {kind:>10} {seconds:>10.2} {:>12.0}", written as f64 / seconds);
    println!(
        "{}",
        json!({ "scenario": "copy", "events": written, "target": kind,
            "wall_seconds": (seconds * 100.0).round() / 100.0, "events_per_s": (written as f64 / seconds).round() })
    );
    Ok(())
}
