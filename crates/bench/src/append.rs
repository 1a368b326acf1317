//! `dealflow-bench append`: appends/s and latency through the group-commit writer, and the
//! same with one transaction (one fsync) per append, on the same disk; or, with `--database
//! postgres://…`, the same on a PostgreSQL log.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use domain::ids::StreamName;
use domain::{Actor, Metadata};
use eventlog::{Database, EventLog, EventStore, ExpectedVersion, LogSettings, NewEvent, migrations};
use serde_json::json;

use crate::stats::{Latencies, median};

#[derive(Debug, Args)]
pub struct AppendArgs {
    /// Concurrent appenders; a comma-separated list runs each.
    #[arg(long, value_delimiter = ',', default_value = "64")]
    concurrency: Vec<usize>,
    /// Appends per run.
    #[arg(long, default_value_t = 20_000)]
    events: usize,
    /// Runs per configuration; the table shows medians.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Directory for the database files (default: a temporary directory on the same disk as /tmp).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Append to the PostgreSQL log at this URL (`postgres://user@host:port/db`) instead of a
    /// SQLite file; each run uses streams of its own there.
    #[arg(long)]
    database: Option<String>,
}

struct RunResult {
    per_second: f64,
    p50: f64,
    p99: f64,
}

/// Runs every configuration and prints the table and the JSON line.
pub fn run(args: &AppendArgs) -> anyhow::Result<()> {
    let dir = match &args.dir {
        Some(dir) => tempfile::tempdir_in(dir)?,
        None => tempfile::tempdir()?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    println!("{:>11} {:>14} {:>12} {:>9} {:>9} {:>7}", "concurrency", "mode", "appends/s", "p50 ms", "p99 ms", "ratio");
    let mut rows = Vec::new();
    for &concurrency in &args.concurrency {
        let mut medians = Vec::new();
        for (mode, max_batch) in [("group-commit", 1024), ("one-per-txn", 1)] {
            let mut results = Vec::new();
            for run in 0..args.runs {
                let path = dir.path().join(format!("append-{concurrency}-{mode}-{run}.db"));
                let log = open_log(args.database.as_deref(), &path, max_batch)?;
                results.push(runtime.block_on(one_run(log, concurrency, args.events))?);
            }
            let per_second = median(&results.iter().map(|r| r.per_second).collect::<Vec<_>>());
            let p50 = median(&results.iter().map(|r| r.p50).collect::<Vec<_>>());
            let p99 = median(&results.iter().map(|r| r.p99).collect::<Vec<_>>());
            medians.push((mode, per_second, p50, p99));
        }
        let ratio = medians[0].1 / medians[1].1.max(f64::MIN_POSITIVE);
        for (mode, per_second, p50, p99) in &medians {
            println!(
                "{concurrency:>11} {mode:>14} {per_second:>12.0} {p50:>9.2} {p99:>9.2} {:>7}",
                if *mode == "group-commit" { format!("{ratio:.1}x") } else { String::new() }
            );
            rows.push(json!({"concurrency": concurrency, "mode": mode, "appends_per_s": per_second.round(), "p50_ms": p50, "p99_ms": p99}));
        }
    }
    let store = if args.database.is_some() { "postgres" } else { "sqlite" };
    println!(
        "{}",
        json!({"scenario": "append", "store": store, "events": args.events, "runs": args.runs, "results": rows})
    );
    Ok(())
}

/// A realistic event of about 400 bytes (data and metadata together).
fn event(stream: usize, n: usize, metadata: &str) -> NewEvent {
    let data = json!({"changes": {"title": {"old": format!("Deal {stream}-{n}"), "new": format!("Deal {stream}-{}", n + 1)},
        "amount": {"old": 15000, "new": 15250.5}, "custom_fields": {"old": {"source_system": "typeform"},
        "new": {"source_system": "typeform", "form_id": format!("form-{n:06}")}}}});
    // Built from serde_json values, so this cannot fail.
    NewEvent::raw(uuid::Uuid::now_v7(), "deal.updated", 1, data.to_string(), metadata.to_owned())
        .unwrap_or_else(|e| unreachable!("{e}"))
}

/// A fresh SQLite log at `path`, or the PostgreSQL log at `database`.
fn open_log(database: Option<&str>, path: &std::path::Path, max_batch: usize) -> anyhow::Result<Arc<dyn EventLog>> {
    let database = match database {
        Some(url) => Database::parse(url),
        None => Database::Sqlite(path.to_owned()),
    };
    let settings = LogSettings { max_batch, readers: 2, ..LogSettings::default() };
    Ok(Arc::new(EventStore::open_database(&database, migrations::MIGRATIONS, settings)?))
}

async fn one_run(log: Arc<dyn EventLog>, concurrency: usize, events: usize) -> anyhow::Result<RunResult> {
    // A PostgreSQL log outlives the run: streams of their own keep each run's versions from 1.
    let run = uuid::Uuid::new_v4().simple().to_string();
    let metadata =
        Arc::new(serde_json::to_string(&Metadata::new(Actor::user(3, "Sarah Johnson"), Some("bench".into())))?);
    let per_task = events.div_ceil(concurrency);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..concurrency {
        let (log, metadata, run) = (log.clone(), metadata.clone(), run.clone());
        tasks.push(tokio::spawn(async move {
            let stream = StreamName(format!("deal-{}-{run}", task + 1));
            let mut latencies = Vec::with_capacity(per_task);
            for n in 0..per_task {
                let new = event(task, n, &metadata);
                let expected = ExpectedVersion::from_current((n > 0).then_some(n as u64));
                let sent = Instant::now();
                log.append(stream.clone(), expected, vec![new]).await?;
                latencies.push(sent.elapsed());
            }
            Ok::<_, eventlog::AppendError>(latencies)
        }));
    }
    let mut all: Vec<Duration> = Vec::with_capacity(events);
    for task in tasks {
        all.extend(task.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let latencies = Latencies::new(all);
    let appended = per_task * concurrency;
    Ok(RunResult {
        per_second: appended as f64 / elapsed,
        p50: latencies.percentile_ms(50.0),
        p99: latencies.percentile_ms(99.0),
    })
}
