//! `dealflow store copy`: moves an installation from one store to another (SQLite to
//! PostgreSQL above all; any direction works) and proves the copy.
//!
//! - [`plan`] says, for every table, whether it is copied, rebuilt or skipped.
//! - [`endpoints`] opens the source (never created or written) and the target (created and
//!   migrated); [`schema`] refuses a source whose migrations differ from this build's.
//! - [`resume`] decides where the event copy starts, refusing a target that holds another log.
//! - [`events`] copies the log in chunks, one transaction each; [`tables`] copies the rest of
//!   the state in one transaction; both write through [`rows`].
//! - [`digest`] fingerprints each side's log for the final check; [`master_key`] checks the key
//!   before copying and tells the operator which key the target's nodes need.

mod digest;
mod endpoints;
mod events;
mod master_key;
mod plan;
mod resume;
mod rows;
mod schema;
mod tables;

use anyhow::Context;
use eventlog::sql::Db;
use eventlog::{Database, EventStore, LogSettings, reader};
use ingest::IngestSettings;

/// What to copy where.
#[derive(Clone, Debug)]
pub struct CopyRequest {
    pub from: Database,
    pub to: Database,
    /// Events per target transaction.
    pub chunk: usize,
}

/// Events replayed per transaction when the target's read models are rebuilt.
const REBUILD_BATCH: usize = 10_000;

/// Copies, rebuilds the target's read models and verifies; prints what it did on standard
/// output and progress on standard error. Blocking: run it off async threads
/// (`spawn_blocking`); `runtime` drives the rebuild.
pub fn run(request: &CopyRequest, ingest: &IngestSettings, runtime: &tokio::runtime::Handle) -> anyhow::Result<()> {
    endpoints::refuse_same(&request.from, &request.to)?;
    let mut source_conn = endpoints::open_source(&request.from)?;
    let source = source_conn.db();
    let key = master_key::check(ingest, &request.from, &source)?;
    let mut target = endpoints::open_target(&request.to)?;
    let head = copy_state(request, &source, &target.db())?;
    drop(target);
    rebuild(&request.to, runtime)?;
    verify(&source, &request.to, head)?;
    println!("{}", master_key::instructions(&key, &request.to));
    Ok(())
}

/// Copies the log (resuming where an earlier run stopped) and then every other copied table;
/// answers the source head copied up to.
fn copy_state(request: &CopyRequest, source: &Db<'_>, target: &Db<'_>) -> anyhow::Result<u64> {
    let head = reader::head(source)?;
    let last = resume::last_event(target)?;
    let there = match &last {
        Some(last) => resume::event_id_at(source, last.position)?,
        None => None,
    };
    let after = resume::resume_after(head, last.as_ref(), there.as_deref())
        .with_context(|| format!("cannot copy into {}", request.to.redacted()))?;
    if after > 0 {
        eprintln!("resuming: the target already holds events 1 to {after} of this source");
    }
    let span = events::Span { after, head, chunk: request.chunk };
    let copied = events::copy(source, target, span, |position| eprintln!("events: {position}/{head} copied"))?;
    println!(
        "copied {copied} events ({} of {head} were already there) from {} to {}",
        head - copied,
        request.from.redacted(),
        request.to.redacted()
    );
    let counts = tables::copy_all(source, target)?;
    let counts: Vec<String> = counts.iter().map(|c| format!("{} {}", c.table, c.rows)).collect();
    println!("copied rows: {}", counts.join(", "));
    Ok(head)
}

/// Rebuilds the target's read models from its log, as `dealflow projections rebuild` does.
fn rebuild(target: &Database, runtime: &tokio::runtime::Handle) -> anyhow::Result<()> {
    let store = EventStore::open_database(target, &crate::migrations::all(), LogSettings::default())
        .with_context(|| format!("cannot open the target {} to rebuild it", target.redacted()))?;
    let started = std::time::Instant::now();
    let replayed = runtime
        .block_on(projection::rebuild(&store, REBUILD_BATCH, |_, _| {}))
        .context("rebuilding the target's read models failed; run the same command again")?;
    println!("rebuilt the read models from {replayed} events in {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Compares the two logs' counts and hashes; an error when they differ.
fn verify(source: &Db<'_>, target: &Database, head: u64) -> anyhow::Result<()> {
    let mut conn = eventlog::DirectConnection::open_existing(target)?;
    let on_source = digest::of_log(source, head)?;
    let on_target = digest::of_log(&conn.db(), u64::MAX)?;
    println!("source: {} events, sha256 {}", on_source.events, on_source.sha256);
    println!("target: {} events, sha256 {}", on_target.events, on_target.sha256);
    anyhow::ensure!(
        on_source == on_target,
        "the copy does not match its source (see the counts and hashes above); run the same command again, \
         and if they still differ, copy into a new empty database"
    );
    println!("verified: both logs hold the same {} events", on_target.events);
    let grown = reader::head(source)?.saturating_sub(head);
    if grown > 0 {
        println!(
            "warning: the source gained {grown} events during the copy; stop every node of the source and run \
             the same command again to copy them"
        );
    }
    Ok(())
}
