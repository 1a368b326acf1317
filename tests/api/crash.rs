//! Crash safety of delivery (SPEC §7, issue 6): the real `dealflow serve` process is killed with
//! SIGKILL while a delivery is in flight, restarted on the same database, and still delivers
//! every committed event.

use std::time::Duration;

use reqwest::{Client, Method};
use serde_json::{Value, json};

use crate::helpers::ADMIN_PASSWORD;
use crate::receiver::{Receiver, Reply};
use crate::served::Served;
use crate::test_store::TestStore;

/// A `dealflow serve` process on a test store, and a client for it; killed when dropped.
struct Server {
    process: Served,
    address: String,
    client: Client,
}

impl Server {
    /// Starts the binary on a free port and waits until it listens.
    fn start(store: &TestStore) -> Self {
        let mut env = store.env();
        env.push(("DEALFLOW_ADMIN_PASSWORD", ADMIN_PASSWORD.into()));
        env.push(("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true".into()));
        let process = Served::start(env);
        let address = process.address();
        Self { process, address, client: Client::new() }
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> Value {
        let response = self
            .client
            .request(method, format!("{}{path}", self.address))
            .basic_auth("admin", Some(ADMIN_PASSWORD))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.unwrap()
    }

    fn kill(mut self) {
        self.process.kill();
    }
}

#[tokio::test]
async fn after_a_kill_9_mid_delivery_and_a_restart_every_committed_event_is_delivered() {
    let receiver = Receiver::start().await;
    receiver.script([Reply { delay: Duration::from_secs(60), ..Reply::status(200) }]);
    let dir = tempfile::tempdir().unwrap();
    let store = TestStore::for_test(dir.path());
    let server = Server::start(&store);
    // A short timeout keeps the lease a killed server leaves behind short (timeout + 5 s).
    server.send(Method::PATCH, "/api/settings/webhooks", json!({ "timeout": 1 })).await;
    server
        .send(
            Method::POST,
            "/api/hooks/new",
            json!({ "name": "CRM", "webhookUrl": receiver.url, "triggers": ["dealflow.deal.created"] }),
        )
        .await;
    for title in ["One", "Two", "Three", "Four", "Five"] {
        server.send(Method::POST, "/api/deals/new", json!({ "title": title })).await;
    }

    receiver.wait_for(1).await;
    server.kill();
    let server = Server::start(&store);

    let events = server.send(Method::GET, "/api/events?type=deal.created", json!(null)).await;
    let committed: Vec<String> =
        events["events"].as_array().unwrap().iter().map(|e| e["event_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(committed.len(), 5);
    let mut delivered = Vec::new();
    for _ in 0..300 {
        delivered = receiver.distinct_event_ids();
        if delivered.len() == committed.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(delivered, committed, "every committed event, in log order");
}

#[tokio::test]
async fn after_a_kill_9_with_8_requests_in_flight_every_committed_event_still_arrives() {
    let receiver = Receiver::start().await;
    // The first wave hangs until the server is killed: its events are in flight, unsettled.
    receiver.script((0..8).map(|_| Reply { delay: Duration::from_secs(60), ..Reply::status(200) }));
    let dir = tempfile::tempdir().unwrap();
    let store = TestStore::for_test(dir.path());
    let server = Server::start(&store);
    // Queued first, then let go at once: the lane claims all twenty and sends eight together.
    let settings = json!({ "timeout": 1, "batch_limit": 1, "queue_mode": "queue", "dispatch_schedule": "0 0 1 1 *" });
    server.send(Method::PATCH, "/api/settings/webhooks", settings).await;
    let hook =
        json!({ "name": "CRM", "webhookUrl": receiver.url, "triggers": ["dealflow.deal.created"], "maxInFlight": 8 });
    let id = server.send(Method::POST, "/api/hooks/new", hook).await["hook"]["id"].clone();
    for index in 0..20 {
        server.send(Method::POST, "/api/deals/new", json!({ "title": format!("Deal {index}") })).await;
    }
    for _ in 0..100 {
        if server.send(Method::GET, &format!("/api/hooks/{id}"), json!(null)).await["hook"]["health"]["pendingCount"]
            == 20
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.send(Method::PATCH, "/api/settings/webhooks", json!({ "queue_mode": "immediate" })).await;

    receiver.wait_for(8).await;
    server.kill();
    let server = Server::start(&store);

    let events = server.send(Method::GET, "/api/events?type=deal.created&limit=100", json!(null)).await;
    let committed: std::collections::HashSet<String> =
        events["events"].as_array().unwrap().iter().map(|e| e["event_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(committed.len(), 20);
    for _ in 0..300 {
        if receiver.accepted_event_ids().is_superset(&committed) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(receiver.accepted_event_ids().is_superset(&committed), "every committed event arrived at least once");
}
