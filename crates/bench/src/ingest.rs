//! `dealflow-bench ingest`: signed inbound requests/s and latency against the real binary, then a
//! check that every acknowledged request's deal exists; optionally the bare baseline under the
//! same load.

use std::path::PathBuf;

use clap::Args;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::load::{self, Prepared};
use crate::process::{self, ADMIN_PASSWORD};
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
        let mut dealflow = Vec::new();
        for run in 0..args.runs {
            dealflow.push(one_dealflow_run(args, run).await?);
        }
        let mut bare = Vec::new();
        if args.bare {
            for _ in 0..args.runs {
                bare.push(one_bare_run(args).await?);
            }
        }
        report(args, &dealflow, &bare);
        Ok(())
    })
}

/// `sha256=<hex HMAC>`, as a source signs its requests.
fn sign(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!("any key length"));
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Realistic payloads: the spec's example shape, with a share (0–1) of returning contacts.
pub fn payloads(count: usize, existing_contacts: f64, run: usize) -> Vec<String> {
    let returning = (existing_contacts.clamp(0.0, 1.0) * 100.0).round() as usize;
    (0..count)
        .map(|i| {
            let email = if i % 100 < returning { format!("returning-{}@example.com", i % 500) } else { format!("new-{run}-{i}@example.com") };
            json!({
                "title": format!("Acme Corp {i} - Enterprise Plan"), "amount": 15000 + (i % 1000), "close_date": "2026-06-30",
                "contact": { "email": email, "first_name": "Jane", "last_name": "Doe", "company": "Acme Corp" },
                "custom_fields": { "source_system": "typeform", "form_id": format!("form-{}", i % 17) }
            })
            .to_string()
        })
        .collect()
}

/// Creates a source on a running server and signs each payload as a request to it.
pub async fn inbound_requests(base_url: &str, payloads: Vec<String>) -> anyhow::Result<Vec<Prepared>> {
    let created: Value = reqwest::Client::new()
        .post(format!("{base_url}/api/sources/new"))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .json(&json!({ "name": "bench", "default_pipeline_id": 1 }))
        .send()
        .await?
        .json()
        .await?;
    let (id, secret) = (created["source"]["id"].clone(), created["secret"].as_str().unwrap_or_default().to_owned());
    let url = format!("{base_url}/deal-flow/settings/inbound-webhooks/{id}/receive");
    Ok(payloads
        .into_iter()
        .map(|body| Prepared { headers: vec![("X-DealFlow-Signature", sign(&secret, &body))], url: url.clone(), body })
        .collect())
}

async fn one_dealflow_run(args: &IngestArgs, run: usize) -> anyhow::Result<RunFigures> {
    let dir = tempfile::tempdir()?;
    let binary = process::dealflow_binary(args.dealflow.as_deref())?;
    let env: Vec<(&str, String)> =
        args.server_env.iter().filter_map(|pair| pair.split_once('=')).map(|(k, v)| (k, v.to_owned())).collect();
    let server = process::start_dealflow(&binary, dir.path(), &env).await?;
    let requests = inbound_requests(&server.base_url, payloads(args.requests, args.existing_contacts, run)).await?;
    let (result, cpu_us) = measured(&server, requests, args.concurrency).await;
    anyhow::ensure!(
        result.failures() == 0,
        "{} requests failed, e.g. {:?}",
        result.failures(),
        result.outcomes.iter().find(|o| o.status != 201).map(|o| (o.status, &o.body))
    );
    let database = server.database.clone().unwrap_or_default();
    drop(server);
    verify_deals_exist(&database, &result.outcomes)?;
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
fn verify_deals_exist(database: &std::path::Path, outcomes: &[load::Outcome]) -> anyhow::Result<()> {
    let conn = eventlog::open_connection(database)?;
    for outcome in outcomes {
        let answer: Value = serde_json::from_str(&outcome.body)?;
        let deal = answer["deal"]["id"].as_u64().ok_or_else(|| anyhow::anyhow!("no deal id in {}", outcome.body))?;
        let events = eventlog::reader::read_stream(&conn, &format!("deal-{deal}"), 1)?;
        anyhow::ensure!(
            events.first().is_some_and(|e| e.event_type == "deal.created"),
            "deal {deal} was acknowledged but is not in the log"
        );
    }
    Ok(())
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
            "runs_requests_per_s": runs.iter().map(|r| r.per_second.round()).collect::<Vec<_>>() })
}

fn report(args: &IngestArgs, dealflow: &[RunFigures], bare: &[RunFigures]) {
    println!(
        "{:>10} {:>12} {:>14} {:>9} {:>9} {:>9}",
        "server", "requests/s", "CPU µs/req", "p50 ms", "p90 ms", "p99 ms"
    );
    let mut results = json!({ "dealflow": medians(dealflow) });
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
    println!(
        "{}",
        json!({ "scenario": "ingest", "requests": args.requests, "concurrency": args.concurrency, "runs": args.runs,
        "existing_contacts": args.existing_contacts, "results": results })
    );
}
