//! A closed-loop HTTP load: C workers each send the next prepared request as soon as their
//! previous one is answered, over kept-alive connections.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::stats::Latencies;

/// One request to send.
pub struct Prepared {
    pub url: String,
    pub body: String,
    pub headers: Vec<(&'static str, String)>,
}

/// What one request got back.
pub struct Outcome {
    pub status: u16,
    pub body: String,
    pub latency: Duration,
}

/// The outcome of a load run.
pub struct LoadResult {
    pub outcomes: Vec<Outcome>,
    pub elapsed: Duration,
}

impl LoadResult {
    pub fn per_second(&self) -> f64 {
        self.outcomes.len() as f64 / self.elapsed.as_secs_f64()
    }

    pub fn latencies(&self) -> Latencies {
        Latencies::new(self.outcomes.iter().map(|o| o.latency).collect())
    }

    pub fn failures(&self) -> usize {
        self.outcomes.iter().filter(|o| !(200..300).contains(&o.status)).count()
    }
}

/// Sends every prepared request with `concurrency` workers.
pub async fn run(requests: Vec<Prepared>, concurrency: usize) -> LoadResult {
    run_paced(requests, concurrency, None).await
}

/// Sends every prepared request with `concurrency` workers, starting request `i` no earlier than
/// `i / per_second` after the start when paced (an offered load rather than a closed loop).
pub async fn run_paced(requests: Vec<Prepared>, concurrency: usize, per_second: Option<f64>) -> LoadResult {
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().unwrap_or_default();
    let requests = Arc::new(requests);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, requests, next) = (client.clone(), requests.clone(), next.clone());
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = requests.get(index) else { break };
                    if let Some(rate) = per_second {
                        tokio::time::sleep_until((started + Duration::from_secs_f64(index as f64 / rate)).into()).await;
                    }
                    outcomes.push(send(&client, request).await);
                }
                outcomes
            })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(requests.len());
    for worker in workers {
        outcomes.extend(worker.await.unwrap_or_default());
    }
    LoadResult { outcomes, elapsed: started.elapsed() }
}

async fn send(client: &reqwest::Client, request: &Prepared) -> Outcome {
    let sent = Instant::now();
    let mut builder = client.post(&request.url).header("Content-Type", "application/json").body(request.body.clone());
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    match builder.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            Outcome { status, body, latency: sent.elapsed() }
        }
        Err(error) => Outcome { status: 0, body: error.to_string(), latency: sent.elapsed() },
    }
}
