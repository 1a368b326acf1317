//! `dealflow store copy` (issue 14, item 4): an installation built by a real `dealflow serve`
//! is copied to a fresh store of the suite's kind (SQLite to SQLite, or PostgreSQL to
//! PostgreSQL with `DEALFLOW_TEST_DATABASE`), and `serve` on the copy answers the same: the same
//! event pages and read models, the same tokens and signed sources, and the pending deliveries go
//! out exactly once.

use std::process::Output;
use std::time::{Duration, Instant};

use reqwest::{Client, Method};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, sign};
use crate::receiver::Receiver;
use crate::served::Served;
use crate::test_store::TestStore;

/// A `dealflow serve` process and a client for it; killed when dropped.
pub struct Node {
    _process: Served,
    address: String,
    client: Client,
}

impl Node {
    pub fn start(store: &TestStore, key: Option<&str>) -> Self {
        let mut env = store.env();
        env.push(("DEALFLOW_ADMIN_PASSWORD", ADMIN_PASSWORD.into()));
        env.push(("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true".into()));
        if let Some(key) = key {
            env.push(("DEALFLOW_MASTER_KEY", key.to_owned()));
        }
        let process = Served::start(env);
        let address = process.address();
        Self { _process: process, address, client: Client::new() }
    }

    pub async fn send(&self, method: Method, path: &str, body: Value) -> Value {
        let request = self.client.request(method, format!("{}{path}", self.address));
        let response = request.basic_auth("admin", Some(ADMIN_PASSWORD)).json(&body).send().await.unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        self.send(Method::GET, path, json!(null)).await
    }

    async fn post_signed(&self, source: u64, secret: &str, payload: &Value) -> u16 {
        let body = payload.to_string();
        let url = format!("{}/deal-flow/settings/inbound-webhooks/{source}/receive", self.address);
        let request = self.client.post(url).header("Content-Type", "application/json");
        let response = request.header("X-DealFlow-Signature", sign(secret, body.as_bytes())).body(body).send().await;
        response.unwrap().status().as_u16()
    }

    /// Every page of `GET /api/events`, as answered.
    async fn event_pages(&self) -> Vec<Value> {
        let (mut pages, mut after) = (Vec::new(), 0);
        loop {
            let page = self.get(&format!("/api/events?after={after}&limit=3")).await;
            if page["events"].as_array().unwrap().is_empty() {
                return pages;
            }
            after = page["next_after"].as_u64().unwrap();
            pages.push(page);
        }
    }

    /// The read models as the API shows them.
    async fn read_models(&self) -> Value {
        json!({
            "deals": self.get("/api/deals?limit=100").await,
            "contacts": self.get("/api/contacts?limit=100").await,
            "pipelines": self.get("/api/pipelines").await,
            "board": self.get("/api/pipelines/1/board").await,
        })
    }

    /// Waits until the read models show `deals` deals.
    async fn wait_for_deals(&self, deals: u64) {
        let started = Instant::now();
        while self.get("/api/deals").await["total"].as_u64() != Some(deals) {
            assert!(started.elapsed() < Duration::from_secs(20), "the read models never showed {deals} deals");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Runs `dealflow` with `env` plus `args`.
pub fn dealflow(args: &[&str], env: &[(&str, String)]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dealflow"))
        .args(args)
        .env("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true")
        .env("RUST_LOG", "warn")
        .env_remove("DEALFLOW_MASTER_KEY")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("dealflow runs")
}

/// `dealflow store copy --from SOURCE --to TARGET`, with the source's master key when the
/// suite runs on PostgreSQL.
pub fn store_copy(source: &TestStore, target: &TestStore, extra: &[&str]) -> Output {
    let (from, to) = (source.setting(), target.setting());
    let args = [&["store", "copy", "--from", &from, "--to", &to][..], extra].concat();
    let env: Vec<(&str, String)> = source.env().into_iter().filter(|(name, _)| *name != "DEALFLOW_DATABASE").collect();
    dealflow(&args, &env)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The key the source's secrets were sealed with: its key file on SQLite.
fn source_key(source: &TestStore) -> Option<String> {
    let path = source.sqlite_path()?.with_extension("key");
    Some(std::fs::read_to_string(path).expect("the source's key file").trim().to_owned())
}

#[tokio::test]
async fn a_copied_store_serves_the_same_history_read_models_tokens_sources_and_pending_deliveries() {
    let receiver = Receiver::start().await;
    let (source_dir, target_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let source = TestStore::for_test(source_dir.path());
    let node = Node::start(&source, None);
    let settings = json!({ "queue_mode": "queue", "dispatch_schedule": "0 0 1 1 *" });
    node.send(Method::PATCH, "/api/settings/webhooks", settings).await;
    let hook = json!({ "name": "CRM", "webhookUrl": receiver.url, "triggers": ["dealflow.deal.created"] });
    node.send(Method::POST, "/api/hooks/new", hook).await;
    let created = node.send(Method::POST, "/api/sources/new", json!({ "name": "Web", "default_pipeline_id": 1 })).await;
    let (source_id, secret) =
        (created["source"]["id"].as_u64().unwrap(), created["secret"].as_str().unwrap().to_owned());
    for n in 1..=3 {
        let lead = json!({ "title": format!("Lead {n}"), "amount": n * 100, "contact": { "email": format!("l{n}@example.com") } });
        assert_eq!(node.post_signed(source_id, &secret, &lead).await, 201);
    }
    let token = node.send(Method::POST, "/api/users/1/tokens/new", json!({ "name": "ci" })).await;
    let token = token["value"].as_str().unwrap().to_owned();
    assert!(dealflow(&["dispatch"], &source.env()).status.success(), "the first deliveries go out from the source");
    for title in ["Manual 1", "Manual 2"] {
        node.send(Method::POST, "/api/deals/new", json!({ "title": title })).await;
    }
    node.wait_for_deals(5).await;
    let (pages, models) = (node.event_pages().await, node.read_models().await);
    drop(node);

    let target = TestStore::for_test(target_dir.path());
    let copied = store_copy(&source, &target, &[]);

    let stdout = text(&copied.stdout);
    assert!(copied.status.success(), "{stdout}{}", text(&copied.stderr));
    assert!(stdout.contains("verified: both logs hold the same"), "{stdout}");
    assert!(stdout.contains("DEALFLOW_MASTER_KEY"), "{stdout}");
    let key = source_key(&source);
    let node = Node::start(&target, key.as_deref());
    assert_eq!(node.event_pages().await, pages);
    assert_eq!(node.read_models().await, models);
    let with_token = node.client.get(format!("{}/api/deals", node.address)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(with_token.status(), 200, "the token still authenticates");
    let lead = json!({ "title": "After the move", "contact": { "email": "late@example.com" } });
    assert_eq!(node.post_signed(source_id, &secret, &lead).await, 201, "the sealed secret still verifies");
    let delivered_before = receiver.event_ids().len();
    let mut target_env = target.env();
    target_env.extend(key.map(|key| ("DEALFLOW_MASTER_KEY", key)));
    node.wait_for_deals(6).await;
    assert!(dealflow(&["dispatch"], &target_env).status.success());
    assert!(dealflow(&["dispatch"], &target_env).status.success());

    let created: Vec<String> = node.get("/api/events?type=deal.created").await["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(delivered_before, 3, "the source delivered its first three deals before the copy");
    assert_eq!(receiver.event_ids(), created, "every deal once, in log order, none fanned out again");
}
