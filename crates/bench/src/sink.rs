//! The local webhook receiver of `dealflow-bench dispatch`: verifies every `Webhook-Signature`,
//! and records each event id with when it arrived.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::web::{self, Bytes, Data};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use uuid::Uuid;

/// One event as it arrived.
#[derive(Clone, Debug)]
pub struct Arrival {
    pub event_id: Uuid,
    /// The trigger group it came in.
    pub trigger: String,
    /// From the event's commit (its UUIDv7 time, taken just before the commit) to its arrival.
    pub latency: Duration,
}

struct State {
    secret: Vec<u8>,
    arrivals: Mutex<Vec<Arrival>>,
    requests: AtomicUsize,
    bad_signatures: AtomicUsize,
    /// The share of requests answered 500 at random (`--fail-rate`).
    fail_rate: f64,
    /// How long each answer takes (`--receiver-delay-ms`): a real receiver's work and network.
    delay: Duration,
    /// Requests answered at once, and the most seen at once.
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

/// A running receiver.
pub struct Sink {
    pub url: String,
    state: Arc<State>,
    server: actix_web::dev::ServerHandle,
}

#[derive(Deserialize)]
struct Item {
    event_info: EventInfo,
}

#[derive(Deserialize)]
struct EventInfo {
    event_id: Uuid,
}

impl Sink {
    /// Starts a receiver on a free loopback port with `workers` threads, verifying with `secret`.
    pub fn start(secret: &str, workers: usize) -> anyhow::Result<Self> {
        Self::with(secret, workers, 0.0, Duration::ZERO)
    }

    /// A receiver that answers 500, recording nothing, to `fail_rate` of the requests at random,
    /// and takes `delay` over each answer.
    pub fn with(secret: &str, workers: usize, fail_rate: f64, delay: Duration) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://127.0.0.1:{}/webhook", listener.local_addr()?.port());
        let state = Arc::new(State {
            secret: secret.as_bytes().to_vec(),
            arrivals: Mutex::new(Vec::new()),
            requests: AtomicUsize::new(0),
            bad_signatures: AtomicUsize::new(0),
            fail_rate,
            delay,
            in_flight: AtomicUsize::new(0),
            most_in_flight: AtomicUsize::new(0),
        });
        let data = Data::from(state.clone());
        let server = HttpServer::new(move || App::new().app_data(data.clone()).default_service(web::to(receive)))
            .workers(workers)
            .disable_signals()
            .listen(listener)?
            .run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(Self { url, state, server: handle })
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// Requests whose signature did not verify.
    pub fn bad_signatures(&self) -> usize {
        self.state.bad_signatures.load(Ordering::Relaxed)
    }

    /// The most requests the receiver was answering at once.
    pub fn most_in_flight(&self) -> usize {
        self.state.most_in_flight.load(Ordering::Relaxed)
    }

    /// Events received so far (repeats included).
    pub fn events(&self) -> usize {
        self.state.arrivals.lock().map_or(0, |a| a.len())
    }

    /// Every arrival, in arrival order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.state.arrivals.lock().map(|a| a.clone()).unwrap_or_default()
    }

    /// Waits until `count` events arrived, or fails after `patience` without progress.
    pub async fn wait_for(&self, count: usize, patience: Duration) -> anyhow::Result<()> {
        let (mut seen, mut since) = (self.events(), std::time::Instant::now());
        while self.events() < count {
            tokio::time::sleep(Duration::from_millis(5)).await;
            if self.events() > seen {
                (seen, since) = (self.events(), std::time::Instant::now());
            }
            anyhow::ensure!(since.elapsed() < patience, "stuck at {seen} of {count} events");
        }
        Ok(())
    }

    pub async fn stop(self) {
        self.server.stop(false).await;
    }
}

async fn receive(state: Data<State>, request: HttpRequest, body: Bytes) -> HttpResponse {
    let at_once = state.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
    state.most_in_flight.fetch_max(at_once, Ordering::Relaxed);
    // Yield at least once, so that requests sent together are seen together even on one worker.
    if state.delay.is_zero() {
        tokio::task::yield_now().await;
    } else {
        tokio::time::sleep(state.delay).await;
    }
    let answer = answer(&state, &request, &body);
    state.in_flight.fetch_sub(1, Ordering::Relaxed);
    answer
}

fn answer(state: &State, request: &HttpRequest, body: &Bytes) -> HttpResponse {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    state.requests.fetch_add(1, Ordering::Relaxed);
    if state.fail_rate > 0.0 && rand::random::<f64>() < state.fail_rate {
        return HttpResponse::InternalServerError().finish();
    }
    let signature = request.headers().get("Webhook-Signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !verified(&state.secret, body, signature) {
        state.bad_signatures.fetch_add(1, Ordering::Relaxed);
        return HttpResponse::Ok().finish();
    }
    let Ok(groups) = serde_json::from_slice::<HashMap<String, Vec<Item>>>(body) else {
        return HttpResponse::BadRequest().finish();
    };
    let arrivals = groups.iter().flat_map(|(trigger, items)| {
        items.iter().map(move |item| {
            let id = item.event_info.event_id;
            let committed = id.get_timestamp().map(|t| t.to_unix()).map(|(s, n)| Duration::new(s, n)).unwrap_or(now);
            Arrival { event_id: id, trigger: trigger.clone(), latency: now.saturating_sub(committed) }
        })
    });
    if let Ok(mut all) = state.arrivals.lock() {
        all.extend(arrivals);
    }
    HttpResponse::Ok().finish()
}

fn verified(secret: &[u8], body: &[u8], signature: &str) -> bool {
    let Ok(expected) = BASE64.decode(signature) else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { return false };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}
