//! `dealflow-bench dispatch`: outbound delivery against a local receiver that verifies every
//! signature. Inbound requests make the events (a new contact and a deal each: two triggered
//! events); one hook subscribes to both.
//!
//! - `immediate`: the inbound load runs (paced at `--rate` events/s, or as fast as it goes), and
//!   the run ends when the last event has arrived; latency is commit-to-receipt.
//! - `queue`: the events are committed and matched first; then `dealflow dispatch` is timed.
//! - `backlog`: the events are committed and matched first (held in queue mode); then the
//!   settings switch to immediate mode and the `serve` lanes' delivery of that backlog is timed,
//!   with no inbound load beside it ([`crate::dispatch_drain`]).
//!
//! `--mode` and `--max-in-flight` take lists (`--mode immediate,queue --max-in-flight 1,8`): each
//! run measures every combination back to back, each on a fresh server, so that variants are
//! compared on the same machine state; `dispatch_report` prints a row per variant.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::dispatch_report::{Row, RunFigures, Setup, report};
use crate::ingest::inbound_requests;
use crate::plain::payloads;
use crate::process;
use crate::sink::Sink;
use crate::stats::{Latencies, median};
use crate::{dispatch_drain, load, verify};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    Immediate,
    Queue,
    Backlog,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Self::Immediate => "immediate",
            Self::Queue => "queue",
            Self::Backlog => "backlog",
        }
    }
}

#[derive(Debug, Args)]
pub struct DispatchArgs {
    /// Events to deliver per run (two per inbound request).
    #[arg(long, default_value_t = 50_000)]
    pub events: usize,
    /// Modes to measure, back to back in each run (`backlog`: the `serve` lanes drain events
    /// committed before, with no inbound load beside them).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "immediate")]
    pub mode: Vec<Mode>,
    /// The hook's `maxInFlight` values to measure, back to back in each run.
    #[arg(long, value_delimiter = ',', default_value = "1")]
    pub max_in_flight: Vec<u8>,
    /// Share of requests the receiver answers 500 at random (retried by dealflow).
    #[arg(long, default_value_t = 0.0)]
    fail_rate: f64,
    /// Milliseconds the receiver takes over each answer (a real receiver's work and network
    /// round trip; 0 answers at once on loopback).
    #[arg(long, default_value_t = 0.0)]
    pub receiver_delay_ms: f64,
    /// Runs (each on a fresh server); the table shows medians.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// The `batch_limit` setting: events per request in queue mode (default 100), at most per
    /// request in immediate mode (default: dealflow's, 10).
    #[arg(long)]
    pub batch_limit: Option<u32>,
    /// Offered events/s in immediate mode; 0 sends the inbound load as fast as it goes.
    #[arg(long, default_value_t = 5000.0)]
    pub rate: f64,
    /// Concurrent inbound senders.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Receiver worker threads.
    #[arg(long, default_value_t = 1)]
    receiver_workers: usize,
    /// Run each server on a fresh database on this PostgreSQL server (`postgres://user@host:port/db`,
    /// a database it may create others beside) instead of a SQLite file.
    #[arg(long)]
    pub database: Option<String>,
    /// The dealflow binary (default: the one beside this benchmark).
    #[arg(long)]
    dealflow: Option<PathBuf>,
    /// Also measure a bare reqwest client against the same receiver, one connection and 64.
    #[arg(long)]
    bare: bool,
}

const SECRET: &str = "bench-hook-secret";
const TRIGGERS: [&str; 2] = ["mautic.lead_post_save_new", "dealflow.deal.created"];

/// One combination measured: a mode and the hook's `maxInFlight`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variant {
    pub mode: Mode,
    pub max_in_flight: u8,
}

pub fn run(args: &DispatchArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let variants: Vec<Variant> = args
            .mode
            .iter()
            .flat_map(|mode| args.max_in_flight.iter().map(|count| Variant { mode: *mode, max_in_flight: *count }))
            .collect();
        let mut runs: Vec<Vec<RunFigures>> = variants.iter().map(|_| Vec::new()).collect();
        for _ in 0..args.runs {
            for (variant, figures) in variants.iter().zip(&mut runs) {
                figures.push(one_run(args, *variant).await?);
            }
        }
        let setup =
            Setup { events: args.events, runs: args.runs, rate: args.rate, receiver_delay_ms: args.receiver_delay_ms };
        let rows: Vec<Row> = variants
            .iter()
            .map(|v| Row { mode: v.mode.name(), max_in_flight: v.max_in_flight, batch_limit: batch_limit(args, v.mode) })
            .collect();
        report(&setup, &rows, &runs);
        if args.bare {
            for concurrency in [1, 64] {
                let mut figures = Vec::new();
                for _ in 0..args.runs {
                    figures.push(bare_client(args.events, concurrency).await?);
                }
                println!("{}", json!({ "scenario": "dispatch-bare-client", "concurrency": concurrency, "events": args.events,
                    "requests_per_s": median(&figures).round(), "runs_requests_per_s": figures.iter().map(|f| f.round()).collect::<Vec<_>>() }));
            }
        }
        Ok(())
    })
}

async fn one_run(args: &DispatchArgs, variant: Variant) -> anyhow::Result<RunFigures> {
    let dir = tempfile::tempdir()?;
    let binary = process::dealflow_binary(args.dealflow.as_deref())?;
    let mode = if variant.mode == Mode::Immediate { "immediate" } else { "queue" };
    let env = [("DEALFLOW_QUEUE_MODE", mode.to_owned()), ("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true".to_owned())];
    let mut server = process::start_dealflow(&binary, dir.path(), args.database.as_deref(), &env).await?;
    let delay = Duration::from_secs_f64(args.receiver_delay_ms.max(0.0) / 1000.0);
    let sink = Sink::with(SECRET, args.receiver_workers, args.fail_rate, delay)?;
    // The built-in job stays out of the way in queue mode: `dealflow dispatch` is what is timed.
    process::admin(
        &server.base_url,
        reqwest::Method::PATCH,
        "/api/settings/webhooks",
        json!({ "batch_limit": batch_limit(args, variant.mode), "dispatch_schedule": "0 0 1 1 *", "retry_schedule": vec![0; 20] }),
    )
    .await?;
    process::admin(
        &server.base_url,
        reqwest::Method::POST,
        "/api/hooks/new",
        json!({ "name": "bench", "webhookUrl": sink.url, "secret": SECRET, "triggers": TRIGGERS,
            "maxInFlight": variant.max_in_flight }),
    )
    .await?;
    let requests = inbound_requests(&server.base_url, payloads(args.events.div_ceil(2), 0.0, 0)).await?;
    let expected = requests.len() * 2;
    let mut figures = match variant.mode {
        Mode::Immediate => immediate(args, requests, &sink, expected).await?,
        Mode::Queue => dispatch_drain::queue(&binary, &server, requests, &sink, expected).await?,
        Mode::Backlog => dispatch_drain::backlog(&server, requests, &sink, expected).await?,
    };
    figures.most_in_flight = sink.most_in_flight();
    anyhow::ensure!(sink.bad_signatures() == 0, "{} requests had a bad signature", sink.bad_signatures());
    let store = server.store.take();
    drop(server);
    if let Some(store) = &store {
        let in_order = variant.max_in_flight == 1 && args.fail_rate == 0.0;
        verify::every_event_arrived(&store.database, &sink.arrivals(), in_order)?;
    }
    sink.stop().await;
    Ok(figures)
}

fn batch_limit(args: &DispatchArgs, mode: Mode) -> u32 {
    args.batch_limit.unwrap_or(if mode == Mode::Queue { 100 } else { 10 })
}

async fn immediate(
    args: &DispatchArgs,
    requests: Vec<load::Prepared>,
    sink: &Sink,
    expected: usize,
) -> anyhow::Result<RunFigures> {
    let started = Instant::now();
    let rate = (args.rate > 0.0).then_some(args.rate / 2.0);
    let load = load::run_paced(requests, args.concurrency, rate).await;
    anyhow::ensure!(load.failures() == 0, "{} inbound requests failed", load.failures());
    sink.wait_for(expected, Duration::from_secs(30)).await?;
    let elapsed = started.elapsed().as_secs_f64();
    let latencies = Latencies::new(sink.arrivals().iter().map(|a| a.latency).collect());
    Ok(RunFigures {
        events_per_s: expected as f64 / elapsed,
        requests_per_s: sink.requests() as f64 / elapsed,
        latency: Some((latencies.percentile_ms(50.0), latencies.percentile_ms(90.0), latencies.percentile_ms(99.0))),
        most_in_flight: 0,
    })
}

/// The baseline: a bare reqwest client POSTing signed single-event bodies to the same receiver,
/// with `concurrency` connections (1 is what an ordered hook allows). Answers requests/s.
pub async fn bare_client(events: usize, concurrency: usize) -> anyhow::Result<f64> {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let sink = Sink::start(SECRET, 1)?;
    let body =
        json!({ "dealflow.deal.created": [{ "event": "dealflow.deal.created", "deal": { "id": 1, "title": "Acme" },
        "event_info": { "webhook_id": 1, "event_id": uuid::Uuid::now_v7(), "api_version": "1" } }] })
        .to_string();
    let client = reqwest::Client::new();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next, body, url) = (client.clone(), next.clone(), body.clone(), sink.url.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < events {
                    let mut mac =
                        Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap_or_else(|_| unreachable!());
                    mac.update(body.as_bytes());
                    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
                    let sent = client.post(&url).header("Webhook-Signature", signature).body(body.clone()).send().await;
                    let _ = sent.map(|response| response.status());
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await?;
    }
    let per_second = events as f64 / started.elapsed().as_secs_f64();
    anyhow::ensure!(sink.bad_signatures() == 0, "the baseline's signatures did not verify");
    sink.stop().await;
    Ok(per_second)
}
