//! Crash safety of delivery (SPEC §7, issue 6): the real `dealflow serve` process is killed with
//! SIGKILL while a delivery is in flight, restarted on the same database, and still delivers
//! every committed event.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::{Client, Method};
use serde_json::{Value, json};

use crate::helpers::ADMIN_PASSWORD;
use crate::receiver::{Receiver, Reply};

/// A `dealflow serve` process; killed when dropped.
struct Served {
    child: Child,
    address: String,
    client: Client,
}

impl Served {
    /// Starts the binary on a free port and waits until it listens.
    fn start(dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dealflow"))
            .arg("serve")
            .env("DEALFLOW_DATABASE", dir.join("dealflow.db"))
            .env("DEALFLOW_LISTEN", "127.0.0.1:0")
            .env("DEALFLOW_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true")
            .env("DEALFLOW_WORKERS", "1")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dealflow starts");
        let stderr = child.stderr.take().unwrap();
        let (found, address) = mpsc::channel();
        // Reads the log to the end, so that the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.split_whitespace().find_map(|word| word.strip_prefix("address=")) {
                    let _ = found.send(at.to_owned());
                }
            }
        });
        let address = address.recv_timeout(Duration::from_secs(30)).expect("the server logs its address");
        Self { child, address: format!("http://{address}"), client: Client::new() }
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
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn after_a_kill_9_mid_delivery_and_a_restart_every_committed_event_is_delivered() {
    let receiver = Receiver::start().await;
    receiver.script([Reply { delay: Duration::from_secs(60), ..Reply::status(200) }]);
    let dir = tempfile::tempdir().unwrap();
    let server = Served::start(dir.path());
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
    let server = Served::start(dir.path());

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
