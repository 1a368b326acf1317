//! `dealflow-bench dispatch`: outbound delivery against a local receiver that verifies every
//! signature. Inbound requests make the events (a new contact and a deal each: two triggered
//! events); one hook subscribes to both.
//!
//! - `immediate`: the inbound load runs (paced at `--rate` events/s, or as fast as it goes), and
//!   the run ends when the last event has arrived; latency is commit-to-receipt.
//! - `queue`: the events are committed and matched first; then `dealflow dispatch` is timed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use crate::ingest::inbound_requests;
use crate::plain::payloads;
use crate::process::{self, ADMIN_PASSWORD, Running};
use crate::sink::Sink;
use crate::stats::{Latencies, median};
use crate::{load, verify};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    Immediate,
    Queue,
}

#[derive(Debug, Args)]
pub struct DispatchArgs {
    /// Events to deliver per run (two per inbound request).
    #[arg(long, default_value_t = 50_000)]
    events: usize,
    #[arg(long, value_enum, default_value_t = Mode::Immediate)]
    mode: Mode,
    /// Runs (each on a fresh server); the table shows medians.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// The `batch_limit` setting: events per request in queue mode (default 100), at most per
    /// request in immediate mode (default: dealflow's, 10).
    #[arg(long)]
    batch_limit: Option<u32>,
    /// Offered events/s in immediate mode; 0 sends the inbound load as fast as it goes.
    #[arg(long, default_value_t = 5000.0)]
    rate: f64,
    /// Concurrent inbound senders.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Receiver worker threads.
    #[arg(long, default_value_t = 1)]
    receiver_workers: usize,
    /// The dealflow binary (default: the one beside this benchmark).
    #[arg(long)]
    dealflow: Option<PathBuf>,
    /// Also measure a bare reqwest client against the same receiver, one connection and 64.
    #[arg(long)]
    bare: bool,
}

const SECRET: &str = "bench-hook-secret";
const TRIGGERS: [&str; 2] = ["mautic.lead_post_save_new", "dealflow.deal.created"];

struct RunFigures {
    events_per_s: f64,
    requests_per_s: f64,
    latency: Option<(f64, f64, f64)>,
}

pub fn run(args: &DispatchArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let mut runs = Vec::new();
        for _ in 0..args.runs {
            runs.push(one_run(args).await?);
        }
        report(args, &runs);
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

async fn one_run(args: &DispatchArgs) -> anyhow::Result<RunFigures> {
    let dir = tempfile::tempdir()?;
    let binary = process::dealflow_binary(args.dealflow.as_deref())?;
    let mode = if args.mode == Mode::Queue { "queue" } else { "immediate" };
    let env = [("DEALFLOW_QUEUE_MODE", mode.to_owned()), ("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true".to_owned())];
    let server = process::start_dealflow(&binary, dir.path(), &env).await?;
    let sink = Sink::start(SECRET, args.receiver_workers)?;
    // The built-in job stays out of the way in queue mode: `dealflow dispatch` is what is timed.
    admin(
        &server,
        reqwest::Method::PATCH,
        "/api/settings/webhooks",
        json!({ "batch_limit": batch_limit(args), "dispatch_schedule": "0 0 1 1 *" }),
    )
    .await?;
    admin(
        &server,
        reqwest::Method::POST,
        "/api/hooks/new",
        json!({ "name": "bench", "webhookUrl": sink.url, "secret": SECRET, "triggers": TRIGGERS }),
    )
    .await?;
    let requests = inbound_requests(&server.base_url, payloads(args.events.div_ceil(2), 0.0, 0)).await?;
    let expected = requests.len() * 2;
    let figures = match args.mode {
        Mode::Immediate => immediate(args, requests, &sink, expected).await?,
        Mode::Queue => queue(&binary, &server, requests, &sink, expected).await?,
    };
    anyhow::ensure!(sink.bad_signatures() == 0, "{} requests had a bad signature", sink.bad_signatures());
    let database = server.database.clone().unwrap_or_default();
    drop(server);
    verify::every_event_arrived_in_order(&database, &sink.arrivals())?;
    sink.stop().await;
    Ok(figures)
}

fn batch_limit(args: &DispatchArgs) -> u32 {
    args.batch_limit.unwrap_or(if args.mode == Mode::Queue { 100 } else { 10 })
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
    })
}

async fn queue(
    binary: &Path,
    server: &Running,
    requests: Vec<load::Prepared>,
    sink: &Sink,
    expected: usize,
) -> anyhow::Result<RunFigures> {
    let load = load::run(requests, 64).await;
    anyhow::ensure!(load.failures() == 0, "{} inbound requests failed", load.failures());
    wait_until_matched(server).await?;
    let database = server.database.clone().unwrap_or_default();
    let started = Instant::now();
    let output = Command::new(binary)
        .arg("dispatch")
        .env("DEALFLOW_DATABASE", &database)
        .env("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true")
        .env("RUST_LOG", "warn")
        .output()?;
    let elapsed = started.elapsed().as_secs_f64();
    anyhow::ensure!(output.status.success(), "dispatch failed: {}", String::from_utf8_lossy(&output.stderr));
    anyhow::ensure!(sink.events() >= expected, "dispatch sent {} of {expected} events", sink.events());
    Ok(RunFigures {
        events_per_s: expected as f64 / elapsed,
        requests_per_s: sink.requests() as f64 / elapsed,
        latency: None,
    })
}

/// Waits until the server's matcher has queued every committed event.
async fn wait_until_matched(server: &Running) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let ready: Value = reqwest::get(format!("{}/ready", server.base_url)).await?.json().await?;
        if ready["consumers"]["dispatcher"]["lag"] == 0 {
            return Ok(());
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(300), "the matcher did not catch up: {ready}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn admin(server: &Running, method: reqwest::Method, path: &str, body: Value) -> anyhow::Result<()> {
    let response = reqwest::Client::new()
        .request(method, format!("{}{path}", server.base_url))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .json(&body)
        .send()
        .await?;
    anyhow::ensure!(response.status().is_success(), "{path}: {} {}", response.status(), response.text().await?);
    Ok(())
}

fn report(args: &DispatchArgs, runs: &[RunFigures]) {
    let pick = |f: &dyn Fn(&RunFigures) -> f64| (median(&runs.iter().map(f).collect::<Vec<_>>()) * 10.0).round() / 10.0;
    let (events, requests) = (pick(&|r| r.events_per_s).round(), pick(&|r| r.requests_per_s).round());
    let latency = runs.iter().all(|r| r.latency.is_some()).then(|| {
        let at = |i: usize| pick(&|r| r.latency.map_or(0.0, |l| [l.0, l.1, l.2][i]));
        (at(0), at(1), at(2))
    });
    println!(
        "{:>10} {:>10} {:>10} {:>12} {:>8} {:>8} {:>8}",
        "mode", "events", "events/s", "requests/s", "p50 ms", "p90 ms", "p99 ms"
    );
    let (p50, p90, p99) =
        latency.map_or(("-".into(), "-".into(), "-".into()), |(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    println!(
        "{:>10} {:>10} {events:>10} {requests:>12} {p50:>8} {p90:>8} {p99:>8}",
        format!("{:?}", args.mode).to_lowercase(),
        args.events
    );
    println!(
        "{}",
        json!({ "scenario": "dispatch", "mode": format!("{:?}", args.mode).to_lowercase(), "events": args.events, "runs": args.runs,
            "batch_limit": batch_limit(args), "offered_events_per_s": args.rate, "events_per_s": events, "requests_per_s": requests,
            "latency_ms": latency.map(|(p50, p90, p99)| json!({ "p50": p50, "p90": p90, "p99": p99 })),
            "runs_events_per_s": runs.iter().map(|r| r.events_per_s.round()).collect::<Vec<_>>() })
    );
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
