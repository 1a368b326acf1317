//! A real local webhook receiver: an HTTP server on a free loopback port that records every
//! request and answers from a script (200 once the script runs out).

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web::{Bytes, Data};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;
use tokio::sync::Notify;

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Received {
    /// A header's value (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// The `event_info.event_id` of every item, in body order.
    pub fn event_ids(&self) -> Vec<String> {
        let body = self.json();
        let groups = body.as_object().expect("items grouped by trigger");
        groups
            .values()
            .flat_map(|items| items.as_array().expect("a group is a list").iter())
            .map(|item| item["event_info"]["event_id"].as_str().expect("an event id").to_owned())
            .collect()
    }

    /// The headers as the `http` crate's map, for third-party verifiers.
    pub fn header_map(&self) -> reqwest::header::HeaderMap {
        self.headers
            .iter()
            .map(|(n, v)| (n.parse::<reqwest::header::HeaderName>().unwrap(), v.parse().unwrap()))
            .collect()
    }
}

/// How the receiver answers one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub delay: Duration,
    /// Held until this is notified (after the delay).
    pub gate: Option<Arc<Notify>>,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self { status, headers: Vec::new(), delay: Duration::ZERO, gate: None }
    }
}

#[derive(Default)]
struct State {
    received: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<Reply>>,
    arrived: Notify,
    /// The requests answered 2xx.
    accepted: Mutex<Vec<Received>>,
    /// Requests being answered now, and the most at once.
    at_once: AtomicUsize,
    most_at_once: AtomicUsize,
    /// Once the script runs out, the share of requests answered 500 at random.
    fail_rate: Mutex<f64>,
}

/// A running receiver.
pub struct Receiver {
    pub url: String,
    state: Arc<State>,
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}/hook?key=abc", listener.local_addr().unwrap().port());
        let state = Arc::new(State::default());
        let data = Data::from(state.clone());
        let server = HttpServer::new(move || App::new().app_data(data.clone()).default_service(web::to(receive)))
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run();
        tokio::spawn(server);
        Self { url, state }
    }

    /// Answers the next requests with these replies, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.script.lock().unwrap().extend(replies);
    }

    /// Holds the next request unanswered until the returned gate is notified, then answers 200.
    pub fn hold_next(&self) -> Arc<Notify> {
        let gate = Arc::new(Notify::new());
        self.script([Reply { gate: Some(gate.clone()), ..Reply::status(200) }]);
        gate
    }

    /// Once the script runs out, answers `rate` of the requests 500 at random (the others 200).
    pub fn fail_at_random(&self, rate: f64) {
        *self.state.fail_rate.lock().unwrap() = rate;
    }

    /// The most requests the receiver was answering at once.
    pub fn most_at_once(&self) -> usize {
        self.state.most_at_once.load(Ordering::SeqCst)
    }

    /// The 2xx-answered requests' event ids, each once.
    pub fn accepted_event_ids(&self) -> std::collections::HashSet<String> {
        self.state.accepted.lock().unwrap().iter().flat_map(Received::event_ids).collect()
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    /// Waits (at most 20 s) until `count` requests have arrived, and answers them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let waited = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                let arrived = self.state.arrived.notified();
                if self.received().len() >= count {
                    return;
                }
                let _ = tokio::time::timeout(Duration::from_millis(100), arrived).await;
            }
        })
        .await;
        let received = self.received();
        assert!(waited.is_ok(), "expected {count} requests, got {}", received.len());
        received
    }

    /// Each event id received, once, in the order it first arrived.
    pub fn distinct_event_ids(&self) -> Vec<String> {
        let mut seen = Vec::new();
        for id in self.event_ids() {
            if !seen.contains(&id) {
                seen.push(id);
            }
        }
        seen
    }

    /// Every event id received, in arrival order.
    pub fn event_ids(&self) -> Vec<String> {
        self.received().iter().flat_map(Received::event_ids).collect()
    }
}

async fn receive(state: Data<State>, request: HttpRequest, body: Bytes) -> HttpResponse {
    let headers =
        request.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())).collect();
    let received = Received { headers, body };
    state.received.lock().unwrap().push(received.clone());
    state.arrived.notify_waiters();
    let reply = state.script.lock().unwrap().pop_front().unwrap_or_else(|| {
        let failed = rand::random::<f64>() < *state.fail_rate.lock().unwrap();
        Reply::status(if failed { 500 } else { 200 })
    });
    let at_once = state.at_once.fetch_add(1, Ordering::SeqCst) + 1;
    state.most_at_once.fetch_max(at_once, Ordering::SeqCst);
    tokio::time::sleep(reply.delay).await;
    if let Some(gate) = &reply.gate {
        gate.notified().await;
    }
    state.at_once.fetch_sub(1, Ordering::SeqCst);
    if (200..300).contains(&reply.status) {
        state.accepted.lock().unwrap().push(received);
    }
    let mut response = HttpResponse::build(actix_web::http::StatusCode::from_u16(reply.status).unwrap());
    for (name, value) in reply.headers {
        response.insert_header((name, value));
    }
    response.body("thanks")
}
