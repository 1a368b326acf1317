//! The dispatch benchmark's modes that commit and match every event first, then time delivery
//! alone: `queue` times `dealflow dispatch`, `backlog` the `serve` lanes once the settings switch
//! from queue to immediate mode. Neither has inbound load beside it, and neither gives latency
//! (an event waits in the queue by design).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::dispatch_report::RunFigures;
use crate::load;
use crate::process::{self, Running};
use crate::sink::Sink;

/// Commits `requests`, waits until the matcher queued their events, and times `dealflow
/// dispatch` delivering them.
pub async fn queue(
    binary: &Path,
    server: &Running,
    requests: Vec<load::Prepared>,
    sink: &Sink,
    expected: usize,
) -> anyhow::Result<RunFigures> {
    commit_and_match(server, requests).await?;
    let store_env = server.store.as_ref().map(crate::store::Store::env).unwrap_or_default();
    let started = Instant::now();
    let output = Command::new(binary)
        .arg("dispatch")
        .envs(store_env)
        .env("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true")
        .env("RUST_LOG", "warn")
        .output()?;
    let elapsed = started.elapsed().as_secs_f64();
    anyhow::ensure!(output.status.success(), "dispatch failed: {}", String::from_utf8_lossy(&output.stderr));
    anyhow::ensure!(sink.events() >= expected, "dispatch sent {} of {expected} events", sink.events());
    Ok(figures(expected, sink, elapsed))
}

/// Commits `requests` while the server holds them in queue mode, then switches it to immediate
/// mode and times its lanes until the last event arrived.
pub async fn backlog(
    server: &Running,
    requests: Vec<load::Prepared>,
    sink: &Sink,
    expected: usize,
) -> anyhow::Result<RunFigures> {
    commit_and_match(server, requests).await?;
    let started = Instant::now();
    let immediate = json!({ "queue_mode": "immediate" });
    process::admin(&server.base_url, reqwest::Method::PATCH, "/api/settings/webhooks", immediate).await?;
    sink.wait_for(expected, Duration::from_secs(60)).await?;
    Ok(figures(expected, sink, started.elapsed().as_secs_f64()))
}

fn figures(expected: usize, sink: &Sink, elapsed: f64) -> RunFigures {
    RunFigures {
        events_per_s: expected as f64 / elapsed,
        requests_per_s: sink.requests() as f64 / elapsed,
        latency: None,
        most_in_flight: 0,
    }
}

async fn commit_and_match(server: &Running, requests: Vec<load::Prepared>) -> anyhow::Result<()> {
    let load = load::run(requests, 64).await;
    anyhow::ensure!(load.failures() == 0, "{} inbound requests failed", load.failures());
    wait_until_matched(server).await
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
