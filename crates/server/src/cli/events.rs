//! `dealflow events export|tail` and `dealflow projections rebuild`.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use eventlog::{EventFilter, EventLog, EventStore, StorageError};
use indicatif::{ProgressBar, ProgressStyle};

/// Reading the history.
#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Write events as NDJSON (one JSON object per line), oldest first.
    Export {
        #[command(flatten)]
        filter: FilterArgs,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print new events as NDJSON as they are committed, until interrupted.
    Tail {
        #[command(flatten)]
        filter: FilterArgs,
    },
}

/// Filters shared by export and tail.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only events recorded at or after this RFC 3339 instant.
    #[arg(long)]
    since: Option<DateTime<Utc>>,
    /// Only events recorded before this RFC 3339 instant.
    #[arg(long)]
    until: Option<DateTime<Utc>>,
    /// Only these types (comma-separated; `deal.*` matches a prefix).
    #[arg(long = "type", value_delimiter = ',')]
    types: Vec<String>,
    /// Only this stream, e.g. deal-42.
    #[arg(long)]
    stream: Option<String>,
    /// Start after this log position (tail: default the current head).
    #[arg(long)]
    after: Option<u64>,
}

impl FilterArgs {
    fn filter(&self) -> EventFilter {
        EventFilter { types: self.types.clone(), stream: self.stream.clone(), since: self.since, until: self.until }
    }
}

/// Runs an events command.
pub async fn run(command: EventsCommand, log: &EventStore) -> anyhow::Result<()> {
    match command {
        EventsCommand::Export { filter, out } => {
            let mut output: Box<dyn Write> = match &out {
                Some(path) => Box::new(std::io::BufWriter::new(
                    crate::private_file::options().create(true).truncate(true).open(path)?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let written = export(log, filter.after.unwrap_or(0), &filter.filter(), &mut output)?;
            output.flush()?;
            if let Some(path) = out {
                eprintln!("exported {written} events to {}", path.display());
            }
            Ok(())
        }
        EventsCommand::Tail { filter } => tail(log, filter).await,
    }
}

/// Writes every matching event after `after`; answers how many.
fn export(log: &EventStore, mut after: u64, filter: &EventFilter, out: &mut dyn Write) -> anyhow::Result<u64> {
    let mut written = 0;
    while let Some((chunk, last)) = log.read(|conn| projection::history::export_page(conn, after, filter))? {
        out.write_all(chunk.as_bytes())?;
        written += chunk.lines().count() as u64;
        after = last;
    }
    Ok(written)
}

async fn tail(log: &EventStore, args: FilterArgs) -> anyhow::Result<()> {
    let filter = args.filter();
    let mut after = match args.after {
        Some(after) => after,
        None => log.head()?,
    };
    let mut listener = log.subscribe();
    loop {
        let head = log.head()?;
        if head > after {
            let mut stdout = std::io::stdout().lock();
            export(log, after, &filter, &mut stdout)?;
            stdout.flush()?;
            after = head;
        }
        // Appends come from the server, another process: poll often.
        listener.wait_beyond(after, Duration::from_millis(250)).await;
    }
}

/// `dealflow projections …`
#[derive(Debug, Subcommand)]
pub enum ProjectionsCommand {
    /// Drop every read model and rebuild it from the whole log.
    Rebuild {
        /// Events per transaction.
        #[arg(long, default_value_t = 10_000)]
        batch: usize,
    },
}

/// Rebuilds the read models with a progress bar and a final count.
pub async fn rebuild(command: ProjectionsCommand, log: &EventStore) -> anyhow::Result<()> {
    let ProjectionsCommand::Rebuild { batch } = command;
    let head = log.head()?;
    let bar = ProgressBar::new(head).with_message("replaying");
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} events ({per_sec}, eta {eta})")
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let replayed = projection::rebuild(log, batch, |position, head| {
        bar.set_length(head);
        bar.set_position(position);
    })
    .await
    .map_err(|e: StorageError| anyhow::anyhow!("rebuild failed: {e}"))?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let peak = peak_rss_mib().map(|mib| format!(", peak RSS {mib:.1} MiB")).unwrap_or_default();
    println!(
        "rebuilt the read models from {replayed} events in {seconds:.2} s ({:.0} events/s{peak})",
        replayed as f64 / seconds.max(f64::EPSILON)
    );
    Ok(())
}

/// This process's peak resident memory (Linux's `VmHWM`), to show that a rebuild's memory stays
/// flat whatever the log's size.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
