//! `dealflow-bench replay`: fills a log with N realistic events (deal lifecycles with contacts,
//! updates, stage moves, notes and tasks), then times `dealflow projections rebuild` on it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clap::Args;
use domain::deal::{Deal, DealEdit, NewDeal, add_note, add_task, complete_task, create_deal, edit_deal, move_deal};
use domain::events::{ContactCreated, ContactSnapshot, DomainEvent, InboundReceived};
use domain::ids::{ContactId, DealId, IdAllocator, IdKind, NoteId, PipelineId, SourceId, StageId, StreamName, TaskId};
use domain::pipeline::{Pipeline, create_pipeline, default_pipeline};
use domain::values::{Amount, BoundedText, Currency, CustomFields, Title};
use domain::{Actor, EventContext, Metadata};
use eventlog::{EventStore, ExpectedVersion, LogSettings, NewEvent, migrations};
use serde_json::json;

use crate::process;
use crate::stats::median;

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Events in the log.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Rebuild runs over the same log; the table shows medians.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Events per rebuild transaction.
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
    /// The dealflow binary (default: the one beside this benchmark).
    #[arg(long)]
    dealflow: Option<PathBuf>,
    /// Directory for the database (default: a temporary directory).
    #[arg(long)]
    dir: Option<PathBuf>,
}

pub fn run(args: &ReplayArgs) -> anyhow::Result<()> {
    let dir = match &args.dir {
        Some(dir) => tempfile::tempdir_in(dir)?,
        None => tempfile::tempdir()?,
    };
    let database = dir.path().join("replay.db");
    let filling = Instant::now();
    let written = fill(&database, args.events, usize::MAX, true)?;
    eprintln!("filled a log with {written} events in {:.1} s", filling.elapsed().as_secs_f64());
    let binary = process::dealflow_binary(args.dealflow.as_deref())?;
    let mut runs = Vec::new();
    for _ in 0..args.runs {
        runs.push(rebuild_once(&binary, &database, args.batch)?);
    }
    report(written, args, &runs);
    Ok(())
}

pub(crate) struct RebuildRun {
    wall_seconds: f64,
    events_per_s: f64,
    peak_rss_mib: f64,
}

pub(crate) fn rebuild_once(binary: &Path, database: &Path, batch: usize) -> anyhow::Result<RebuildRun> {
    let started = Instant::now();
    let output = Command::new(binary)
        .args(["projections", "rebuild", "--batch", &batch.to_string()])
        .env("DEALFLOW_DATABASE", database)
        .env("RUST_LOG", "warn")
        .output()?;
    let wall_seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(output.status.success(), "rebuild failed: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let figure = |after: &str, until: char| -> f64 {
        stdout
            .split(after)
            .nth(1)
            .and_then(|rest| rest.split(until).next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0.0)
    };
    let replayed = figure("from ", ' ');
    Ok(RebuildRun { wall_seconds, events_per_s: replayed / wall_seconds, peak_rss_mib: figure("peak RSS ", ' ') })
}

fn report(events: u64, args: &ReplayArgs, runs: &[RebuildRun]) {
    let pick = |f: fn(&RebuildRun) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    println!("{:>10} {:>10} {:>12} {:>14}", "events", "seconds", "events/s", "peak RSS MiB");
    println!(
        "{events:>10} {:>10.2} {:>12.0} {:>14.1}",
        pick(|r| r.wall_seconds),
        pick(|r| r.events_per_s),
        pick(|r| r.peak_rss_mib)
    );
    println!(
        "{}",
        json!({ "scenario": "replay", "events": events, "runs": args.runs, "batch": args.batch,
            "wall_seconds": (pick(|r| r.wall_seconds) * 100.0).round() / 100.0, "events_per_s": pick(|r| r.events_per_s).round(),
            "peak_rss_mib": (pick(|r| r.peak_rss_mib) * 10.0).round() / 10.0,
            "runs_events_per_s": runs.iter().map(|r| r.events_per_s.round()).collect::<Vec<_>>() })
    );
}

/// A small deterministic generator (xorshift), so that every fill is the same log.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Hands out ids per kind, as the log's sequences would.
#[derive(Default)]
struct Ids(std::collections::HashMap<IdKind, u64>);

impl IdAllocator for Ids {
    fn next_id(&mut self, kind: IdKind) -> u64 {
        let next = self.0.entry(kind).or_default();
        *next += 1;
        *next
    }
}

type Append = (StreamName, Vec<NewEvent>);

/// Writes about `target` events, or `max_deals` deal lifecycles if that comes first, and answers
/// how many events were written. Without `inbound`, no inbound records are written (a source made
/// later through the API then starts with an empty stream).
pub(crate) fn fill(path: &Path, target: usize, max_deals: usize, inbound: bool) -> anyhow::Result<u64> {
    let log = EventStore::open(
        path,
        migrations::MIGRATIONS,
        LogSettings { max_batch: 1, readers: 1, ..LogSettings::default() },
    )?;
    let metadata = Metadata::new(Actor::user(1, "bench"), Some("bench".into()));
    let mut ids = Ids::default();
    let pipeline_events = create_pipeline(default_pipeline(), &mut ids);
    let pipeline = Pipeline::fold(PipelineId(1), pipeline_events.iter().map(|e| (e, 1)))
        .ok_or_else(|| anyhow::anyhow!("no pipeline"))?;
    let mut pending: Vec<Append> =
        vec![(PipelineId(1).stream(), NewEvent::from_domain_all(&pipeline_events, &metadata)?)];
    let (mut written, mut in_chunk) = (0_u64, pipeline_events.len());
    let mut random = Random(0x2545_F491_4F6C_DD1D);
    let mut deals = 0;
    while (written as usize) + in_chunk < target && deals < max_deals {
        deals += 1;
        let mut appends = deal_lifecycle(&mut ids, &mut random, &pipeline, &metadata)?;
        if !inbound {
            appends.retain(|(stream, _)| !stream.as_str().starts_with("source-"));
        }
        for append in appends {
            in_chunk += append.1.len();
            pending.push(append);
        }
        if in_chunk >= 5_000 {
            written += write_chunk(&log, std::mem::take(&mut pending))?;
            in_chunk = 0;
        }
    }
    written += write_chunk(&log, pending)?;
    Ok(written)
}

fn write_chunk(log: &EventStore, appends: Vec<Append>) -> anyhow::Result<u64> {
    let count = appends.iter().map(|(_, events)| events.len() as u64).sum();
    log.write(move |tx| {
        for (stream, events) in &appends {
            tx.append(stream, ExpectedVersion::Any, events)?;
        }
        Ok::<_, eventlog::AppendError>(())
    })
    .wait_blocking()?;
    Ok(count)
}

/// One deal's life: maybe a new contact, the deal, its contact, the inbound record, then a few
/// updates, stage moves, notes and tasks.
fn deal_lifecycle(
    ids: &mut Ids,
    random: &mut Random,
    pipeline: &Pipeline,
    metadata: &Metadata,
) -> anyhow::Result<Vec<Append>> {
    let mut appends = Vec::new();
    let contact_id = ContactId(ids.next_id(IdKind::Contact));
    let contact = ContactSnapshot {
        id: contact_id,
        email: format!("person{}@example.com", contact_id.0),
        first_name: Some("Jane".into()),
        last_name: Some("Doe".into()),
        company: Some(format!("Company {}", random.below(5000))),
    };
    let created = DomainEvent::ContactCreated(ContactCreated {
        email: contact.email.clone(),
        first_name: contact.first_name.clone(),
        last_name: contact.last_name.clone(),
        company: contact.company.clone(),
    });
    appends.push((contact_id.stream(), vec![NewEvent::from_domain(&created, metadata)?]));
    let deal_id = DealId(ids.next_id(IdKind::Deal));
    let new = NewDeal {
        title: Title::parse(&format!("Acme {} - Enterprise Plan", deal_id.0)).map_err(|e| anyhow::anyhow!("{e}"))?,
        amount: Amount::parse(&format!("{}.{:02}", 1000 + random.below(50_000), random.below(100)))
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        currency: Currency::USD,
        close_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
        stage_id: None,
        custom_fields: CustomFields::parse(
            &json!({ "source_system": "typeform", "form_id": format!("form-{}", random.below(20)) }),
        )
        .unwrap_or_default(),
        source_id: Some(SourceId(1)),
        external_id: Some(format!("ext-{}", deal_id.0)),
        contacts: vec![contact],
    };
    let mut events = create_deal(pipeline, new).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut deal = fold(None, deal_id, &events, 1, metadata);
    for _ in 0..random.below(6) {
        let Some(current) = deal.clone() else { break };
        let next = match random.below(5) {
            0 => edit_deal(
                &current,
                &DealEdit {
                    amount: Amount::parse(&format!("{}", 500 + random.below(90_000))).ok(),
                    ..DealEdit::default()
                },
            ),
            1 => move_deal(&current, pipeline, Some(StageId(1 + random.below(6)))).unwrap_or_default(),
            2 => add_note(
                NoteId(ids.next_id(IdKind::Note)),
                BoundedText::parse("Called the customer back", 255).map_err(|e| anyhow::anyhow!("{e}"))?,
            ),
            3 => add_task(
                TaskId(ids.next_id(IdKind::Task)),
                BoundedText::parse("Send the proposal", 255).map_err(|e| anyhow::anyhow!("{e}"))?,
                None,
            ),
            _ => match current.tasks.iter().find(|t| !t.completed) {
                Some(task) => complete_task(&current, task.id).unwrap_or_default(),
                None => Vec::new(),
            },
        };
        deal = fold(deal, deal_id, &next, events.len() as u64 + 1, metadata);
        events.extend(next);
    }
    appends.push((deal_id.stream(), NewEvent::from_domain_all(&events, metadata)?));
    let received = DomainEvent::InboundReceived(InboundReceived {
        body_sha256: format!("{:064x}", deal_id.0),
        size: 412,
        idempotency_key: None,
        deal_id,
        contact_id: Some(contact_id),
        created: true,
    });
    appends.push((SourceId(1).stream(), vec![NewEvent::from_domain(&received, metadata)?]));
    Ok(appends)
}

fn fold(
    deal: Option<Deal>,
    id: DealId,
    events: &[DomainEvent],
    first_version: u64,
    metadata: &Metadata,
) -> Option<Deal> {
    events.iter().zip(first_version..).fold(deal, |deal, (event, version)| {
        let context = EventContext { version, recorded_at: chrono::Utc::now(), actor: metadata.actor.clone() };
        Deal::evolve(deal, id, event, &context)
    })
}
