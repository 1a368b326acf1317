//! `dealflow-bench ingest`: signed inbound requests/s and latency against the real binary, then a
//! check that every acknowledged request's deal exists; optionally the bare baseline under the
//! same load. `--preset dealflow,typeform` alternates senders within one session, so that their
//! ratio is measured on the same (noisy) machine.

use std::path::PathBuf;

use clap::Args;
use domain::signature::{SigningInput, sign_request};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::load::{self, Prepared};
use crate::plain::payloads;
use crate::preset::Preset;
use crate::process;
use crate::stats::median;

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Requests per run.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Concurrent senders.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Runs (each on a fresh server); the table shows medians.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Run each server on a fresh database on this PostgreSQL server (`postgres://user@host:port/db`,
    /// a database it may create others beside) instead of a SQLite file.
    #[arg(long)]
    database: Option<String>,
    /// The dealflow binary (default: the one beside this benchmark).
    #[arg(long)]
    dealflow: Option<PathBuf>,
    /// Also run the same load against a bare HMAC-and-parse actix-web handler.
    #[arg(long)]
    bare: bool,
    /// Environment for the server, e.g. `--server-env DEALFLOW_WORKERS=1` (repeatable).
    #[arg(long = "server-env", value_name = "NAME=VALUE")]
    server_env: Vec<String>,
    /// Share of requests whose contact email was seen before (0–1).
    #[arg(long, default_value_t = 0.5)]
    existing_contacts: f64,
    /// Senders to measure, comma-separated (`dealflow,typeform`); with several, each run
    /// measures every one on a fresh server, alternating their order from run to run.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "dealflow")]
    preset: Vec<Preset>,
}

struct RunFigures {
    per_second: f64,
    /// Server CPU time per request, in microseconds (steadier than throughput on a shared machine).
    cpu_us: f64,
    p50: f64,
    p90: f64,
    p99: f64,
}

impl RunFigures {
    fn of(result: &load::LoadResult, cpu_us: f64) -> Self {
        let latencies = result.latencies();
        Self {
            per_second: result.per_second(),
            cpu_us,
            p50: latencies.percentile_ms(50.0),
            p90: latencies.percentile_ms(90.0),
            p99: latencies.percentile_ms(99.0),
        }
    }
}

pub fn run(args: &IngestArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let mut presets: Vec<(Preset, Vec<RunFigures>)> = args.preset.iter().map(|p| (*p, Vec::new())).collect();
        for run in 0..args.runs {
            // ABBA order, so that a machine growing busier or quieter favours no sender.
            let mut order: Vec<usize> = (0..presets.len()).collect();
            if run % 2 == 1 {
                order.reverse();
            }
            for index in order {
                let figures = one_dealflow_run(args, run, presets[index].0).await?;
                presets[index].1.push(figures);
            }
        }
        let mut bare = Vec::new();
        if args.bare {
            for _ in 0..args.runs {
                bare.push(one_bare_run(args).await?);
            }
        }
        report(args, &presets, &bare);
        Ok(())
    })
}

/// `sha256=<hex HMAC>`, as a source signs its requests.
fn sign(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!("any key length"));
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Creates a source on a running server and signs each payload as a request to it.
pub async fn inbound_requests(base_url: &str, payloads: Vec<String>) -> anyhow::Result<Vec<Prepared>> {
    source_requests(base_url, Preset::Dealflow, payloads).await
}

/// Creates `preset`'s source on a running server and signs each payload as that sender would.
async fn source_requests(base_url: &str, preset: Preset, payloads: Vec<String>) -> anyhow::Result<Vec<Prepared>> {
    let created = process::admin(base_url, reqwest::Method::POST, "/api/sources/new", preset.new_source()).await?;
    let (id, secret) = (created["source"]["id"].clone(), created["secret"].as_str().unwrap_or_default().to_owned());
    let url = format!("{base_url}/deal-flow/settings/inbound-webhooks/{id}/receive");
    let input = SigningInput { timestamp: chrono::Utc::now().timestamp(), message_id: "" };
    payloads
        .into_iter()
        .enumerate()
        .map(|(index, body)| {
            let mut signed = sign_request(preset.scheme(), &secret, body.as_bytes(), input)?;
            if let Some(key) = preset.idempotency_header(index) {
                signed.headers.push(("Idempotency-Key", key));
            }
            Ok(Prepared { headers: signed.headers, url: url.clone(), body })
        })
        .collect()
}

async fn one_dealflow_run(args: &IngestArgs, run: usize, preset: Preset) -> anyhow::Result<RunFigures> {
    let dir = tempfile::tempdir()?;
    let binary = process::dealflow_binary(args.dealflow.as_deref())?;
    let env: Vec<(&str, String)> =
        args.server_env.iter().filter_map(|pair| pair.split_once('=')).map(|(k, v)| (k, v.to_owned())).collect();
    let mut server = process::start_dealflow(&binary, dir.path(), args.database.as_deref(), &env).await?;
    let payloads = preset.payloads(args.requests, args.existing_contacts, run)?;
    let requests = source_requests(&server.base_url, preset, payloads).await?;
    let (result, cpu_us) = measured(&server, requests, args.concurrency).await;
    anyhow::ensure!(
        result.failures() == 0,
        "{}: {} requests failed, e.g. {:?}",
        preset.name(),
        result.failures(),
        result.outcomes.iter().find(|o| o.status != 201).map(|o| (o.status, &o.body))
    );
    let store = server.store.take();
    drop(server);
    if let Some(store) = &store {
        verify_deals_exist(&store.database, &result.outcomes)?;
    }
    Ok(RunFigures::of(&result, cpu_us))
}

/// Sends the requests, answering the result and the server's CPU microseconds per request.
async fn measured(server: &process::Running, requests: Vec<Prepared>, concurrency: usize) -> (load::LoadResult, f64) {
    let cpu_before = server.cpu_seconds().unwrap_or_default();
    let result = load::run(requests, concurrency).await;
    let cpu_us = (server.cpu_seconds().unwrap_or_default() - cpu_before) * 1e6 / result.outcomes.len().max(1) as f64;
    (result, cpu_us)
}

/// Every acknowledged request's deal is in the log (read after the server was killed).
fn verify_deals_exist(database: &eventlog::Database, outcomes: &[load::Outcome]) -> anyhow::Result<()> {
    crate::store::read(database, |conn| {
        for outcome in outcomes {
            let answer: Value = serde_json::from_str(&outcome.body)?;
            let deal =
                answer["deal"]["id"].as_u64().ok_or_else(|| anyhow::anyhow!("no deal id in {}", outcome.body))?;
            let events = eventlog::reader::read_stream(conn, &format!("deal-{deal}"), 1)?;
            anyhow::ensure!(
                events.first().is_some_and(|e| e.event_type == "deal.created"),
                "deal {deal} was acknowledged but is not in the log"
            );
        }
        Ok(())
    })
}

async fn one_bare_run(args: &IngestArgs) -> anyhow::Result<RunFigures> {
    let secret = "bench-secret";
    let server = process::start_bare(secret).await?;
    let url = format!("{}/receive", server.base_url);
    let requests = payloads(args.requests, args.existing_contacts, 0)
        .into_iter()
        .map(|body| Prepared { headers: vec![("X-DealFlow-Signature", sign(secret, &body))], url: url.clone(), body })
        .collect();
    let (result, cpu_us) = measured(&server, requests, args.concurrency).await;
    anyhow::ensure!(result.failures() == 0, "{} bare requests failed", result.failures());
    Ok(RunFigures::of(&result, cpu_us))
}

fn medians(runs: &[RunFigures]) -> Value {
    let pick = |f: fn(&RunFigures) -> f64| (median(&runs.iter().map(f).collect::<Vec<_>>()) * 100.0).round() / 100.0;
    json!({ "requests_per_s": pick(|r| r.per_second).round(), "server_cpu_us_per_request": pick(|r| r.cpu_us).round(), "p50_ms": pick(|r| r.p50), "p90_ms": pick(|r| r.p90), "p99_ms": pick(|r| r.p99),
            "runs_requests_per_s": runs.iter().map(|r| r.per_second.round()).collect::<Vec<_>>(),
            "runs_server_cpu_us_per_request": runs.iter().map(|r| r.cpu_us.round()).collect::<Vec<_>>() })
}

/// Each sender's run figures over the plain scheme's from the same run, as medians of the
/// per-run ratios: `requests_per_s` (≥ 1 is faster) and `server_cpu_us_per_request` (≤ 1 is
/// cheaper).
fn ratios_to_dealflow(presets: &[(Preset, Vec<RunFigures>)]) -> Vec<(String, Value)> {
    let Some((_, plain)) = presets.iter().find(|(p, _)| *p == Preset::Dealflow) else { return Vec::new() };
    let ratio = |runs: &[RunFigures], f: fn(&RunFigures) -> f64| {
        let per_run: Vec<f64> = runs.iter().zip(plain).map(|(r, p)| f(r) / f(p)).collect();
        (median(&per_run) * 1000.0).round() / 1000.0
    };
    presets
        .iter()
        .filter(|(p, _)| *p != Preset::Dealflow)
        .map(|(preset, runs)| {
            let figures = json!({ "requests_per_s": ratio(runs, |r| r.per_second), "server_cpu_us_per_request": ratio(runs, |r| r.cpu_us) });
            (format!("{}_vs_dealflow", preset.name()), figures)
        })
        .collect()
}

fn report(args: &IngestArgs, presets: &[(Preset, Vec<RunFigures>)], bare: &[RunFigures]) {
    println!(
        "{:>10} {:>12} {:>14} {:>9} {:>9} {:>9}",
        "server", "requests/s", "CPU µs/req", "p50 ms", "p90 ms", "p99 ms"
    );
    let mut results = json!({});
    for (preset, runs) in presets {
        results[preset.name()] = medians(runs);
    }
    if !bare.is_empty() {
        results["bare_actix"] = medians(bare);
    }
    for (name, figures) in results.as_object().into_iter().flatten() {
        println!(
            "{name:>10} {:>12} {:>14} {:>9} {:>9} {:>9}",
            figures["requests_per_s"],
            figures["server_cpu_us_per_request"],
            figures["p50_ms"],
            figures["p90_ms"],
            figures["p99_ms"]
        );
    }
    let ratios = ratios_to_dealflow(presets);
    for (name, figures) in &ratios {
        println!(
            "{name}: requests/s ×{}, CPU µs/request ×{} (medians of per-run ratios)",
            figures["requests_per_s"], figures["server_cpu_us_per_request"]
        );
    }
    println!(
        "{}",
        json!({ "scenario": "ingest", "requests": args.requests, "concurrency": args.concurrency, "runs": args.runs,
        "existing_contacts": args.existing_contacts, "presets": presets.iter().map(|(p, _)| p.name()).collect::<Vec<_>>(),
        "results": results, "ratios": ratios.into_iter().collect::<serde_json::Map<_, _>>() })
    );
}
