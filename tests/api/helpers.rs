//! `spawn_app()` and one helper per endpoint, so that tests read as sentences.

use std::process::Output;

use api::Role;
use eventlog::{EventStore, StorageError};
use reqwest::{Client, RequestBuilder, Response};
use serde_json::Value;
use server::auth::{passwords, users};
use server::{Application, Settings};

use crate::test_store::TestStore;

pub const ADMIN_PASSWORD: &str = "correct-horse-battery-staple";

/// A running application and what tests need to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub log: EventStore,
    /// The delivery engine; tests that drive it with `step()` start the app without its loop.
    pub dispatcher: dispatcher::Engine,
    /// The SQLite file or PostgreSQL database the app runs on (`DEALFLOW_TEST_DATABASE`).
    pub store: TestStore,
    pub _dir: tempfile::TempDir,
    /// The command side (tests drive its housekeeping, e.g. `prune_request_log`).
    pub ingest: actix_web::web::Data<ingest::Ingest>,
}

/// Starts the application with test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the application without its delivery loop: the test drives delivery with `step()`.
pub async fn spawn_driven_app() -> TestApp {
    spawn_app_with(|settings| settings.roles.dispatcher = false).await
}

/// Starts the application with test settings changed by `configure`.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    server::telemetry::init_for_tests();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::default();
    settings.server.listen = "127.0.0.1:0".into();
    settings.server.workers = Some(2);
    let store = TestStore::for_test(dir.path());
    store.configure(&mut settings);
    settings.auth.admin_password = Some(domain::values::Secret::new(ADMIN_PASSWORD));
    // Hooks in tests deliver to receivers on loopback.
    settings.webhooks.allow_private_targets = true;
    configure(&mut settings);
    let app = Application::build(settings).await.expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let log = app.log().clone();
    let dispatcher = app.dispatcher().clone();
    let ingest = app.ingest_handle();
    tokio::spawn(app.run_until_stopped());
    TestApp { address, client: Client::new(), log, dispatcher, store, _dir: dir, ingest }
}

impl TestApp {
    /// The SQLite file of a test that reads it; on PostgreSQL such a test must say what it
    /// checks there instead.
    pub fn database_file(&self) -> &std::path::Path {
        self.store.sqlite_path().expect("this test reads the SQLite file, and the suite runs on PostgreSQL")
    }

    /// Every byte the store holds, as a copy of it would: the SQLite file with its WAL and
    /// shared-memory files, or on PostgreSQL every row of every table as text (as a dump holds them).
    pub fn stored_bytes(&self) -> Vec<u8> {
        let Some(path) = self.store.sqlite_path() else { return self.every_row_as_text().into_bytes() };
        let mut bytes = Vec::new();
        for suffix in ["", "-wal", "-shm"] {
            bytes.extend(std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default());
        }
        bytes
    }

    fn every_row_as_text(&self) -> String {
        self.log
            .read(|conn| {
                let tables: Vec<String> = conn
                    .prepare("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")?
                    .query_map([], |row| row.get(0))?
                    .collect::<Result<_, _>>()?;
                let mut text = String::new();
                for table in tables {
                    let sql = format!("SELECT coalesce(string_agg(t::text, chr(10)), '') FROM {table} t");
                    text.push_str(&conn.query_row(&sql, [], |row| row.get::<String>(0))?);
                }
                Ok::<_, StorageError>(text)
            })
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A request as the first-start admin.
    pub fn as_admin(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path)).basic_auth("admin", Some(ADMIN_PASSWORD))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    pub async fn admin_get(&self, path: &str) -> Response {
        self.as_admin(reqwest::Method::GET, path).send().await.expect("request sent")
    }

    /// Creates a user directly in the database and answers its password.
    pub async fn add_user(&self, username: &str, role: Role) -> String {
        let password = format!("{username}-password");
        let hash = passwords::hash_password(&password).unwrap();
        let name = username.to_owned();
        self.log
            .write(move |tx| users::insert(tx.sql(), &name, role, &hash, 0).map_err(StorageError::from))
            .await
            .unwrap();
        password
    }

    /// Runs the real `dealflow` binary against this application's database.
    pub fn run_cli(&self, args: &[&str]) -> Output {
        self.run_cli_with(args, &[])
    }

    /// Runs the real `dealflow` binary with extra environment variables (hooks in tests deliver
    /// to loopback, so private targets are allowed unless `envs` says otherwise).
    pub fn run_cli_with(&self, args: &[&str], envs: &[(&str, &str)]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_dealflow"))
            .args(args)
            .envs(self.store.env())
            .env("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true")
            .env("RUST_LOG", "warn")
            .envs(envs.iter().copied())
            .output()
            .expect("dealflow runs")
    }
}

/// The body of an answer as JSON.
pub async fn json(response: Response) -> Value {
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Asserts the SPEC §9 error shape and answers the first error.
pub async fn error_body(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let body = json(response).await;
    let error = body["errors"][0].clone();
    assert_eq!(error["code"], status, "errors[0].code in {body}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "a message in {body}");
    assert!(error["details"].is_object(), "details object in {body}");
    assert!(error.get("type").is_some_and(Value::is_null), "type: null in {body}");
    error
}

/// An inbound source as created through the API.
pub struct TestSource {
    pub id: u64,
    pub secret: String,
}

impl TestApp {
    /// The log's head position, to check that a refused request stored nothing.
    pub fn head(&self) -> u64 {
        eventlog::EventLog::head(&self.log).unwrap()
    }

    /// Creates a published source on the default pipeline.
    pub async fn create_source(&self, name: &str) -> TestSource {
        let response = self
            .as_admin(reqwest::Method::POST, "/api/sources/new")
            .json(&serde_json::json!({ "name": name, "default_pipeline_id": 1 }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let body = json(response).await;
        TestSource { id: body["source"]["id"].as_u64().unwrap(), secret: body["secret"].as_str().unwrap().to_owned() }
    }

    /// POSTs raw bytes to a source's endpoint with the given signature header (if any).
    pub async fn post_inbound_raw(&self, source_id: u64, body: &[u8], signature: Option<&str>) -> Response {
        let mut request = self
            .client
            .post(self.url(&format!("/deal-flow/settings/inbound-webhooks/{source_id}/receive")))
            .header("Content-Type", "application/json")
            .body(body.to_vec());
        if let Some(signature) = signature {
            request = request.header("X-DealFlow-Signature", signature);
        }
        request.send().await.unwrap()
    }

    /// POSTs a JSON payload signed with the source's secret.
    pub async fn post_inbound(&self, source: &TestSource, payload: &Value) -> Response {
        self.post_inbound_with(source, payload, &[]).await
    }

    /// POSTs a signed JSON payload with extra headers.
    pub async fn post_inbound_with(&self, source: &TestSource, payload: &Value, headers: &[(&str, &str)]) -> Response {
        let body = payload.to_string();
        let signature = sign(&source.secret, body.as_bytes());
        let mut request = self
            .client
            .post(self.url(&format!("/deal-flow/settings/inbound-webhooks/{}/receive", source.id)))
            .header("Content-Type", "application/json")
            .header("X-DealFlow-Signature", signature)
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    /// Every stored event of a type.
    pub fn events_of_type(&self, event_type: &str) -> Vec<eventlog::RecordedEvent> {
        let filter = eventlog::EventFilter { types: vec![event_type.to_owned()], ..Default::default() };
        eventlog::EventLog::read_all(&self.log, 0, 100_000, &filter).unwrap()
    }
}

/// `sha256=<hex HMAC-SHA256>`, computed as PHP's `hash_hmac('sha256', $body, $secret)` does:
/// with the `hmac` crate directly, not with dealflow's own signing code.
pub fn sign(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl TestApp {
    /// Sends a JSON body as the admin and answers the response.
    pub async fn send_json(&self, method: reqwest::Method, path: &str, body: &Value) -> Response {
        self.as_admin(method, path).json(body).send().await.expect("request sent")
    }

    /// POSTs JSON as the admin and answers the JSON body, asserting the status.
    pub async fn post_ok(&self, path: &str, body: &Value, status: u16) -> Value {
        let response = self.send_json(reqwest::Method::POST, path, body).await;
        assert_eq!(response.status().as_u16(), status, "POST {path} {body}");
        json(response).await
    }

    /// GETs JSON as the admin, asserting 200.
    pub async fn get_ok(&self, path: &str) -> Value {
        let response = self.admin_get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        json(response).await
    }

    /// Creates a deal in the default pipeline and answers it.
    pub async fn create_deal(&self, body: Value) -> Value {
        self.post_ok("/api/deals/new", &body, 201).await["deal"].clone()
    }
}

impl TestApp {
    /// Creates a hook as the admin and answers the `hook` object.
    pub async fn create_hook(&self, body: Value) -> Value {
        self.post_ok("/api/hooks/new", &body, 201).await["hook"].clone()
    }
}

/// A minimal valid hook body.
pub fn hook_body(name: &str, url: &str, triggers: &[&str]) -> Value {
    serde_json::json!({ "name": name, "webhookUrl": url, "triggers": triggers })
}

impl TestApp {
    /// PATCHes the webhook settings as the admin and answers them.
    pub async fn patch_settings(&self, body: Value) -> Value {
        let response = self.send_json(reqwest::Method::PATCH, "/api/settings/webhooks", &body).await;
        assert_eq!(response.status(), 200, "PATCH /api/settings/webhooks {body}");
        json(response).await["settings"].clone()
    }

    /// A hook's `health` field.
    pub async fn health_of(&self, hook_id: &Value) -> Value {
        self.get_ok(&format!("/api/hooks/{hook_id}")).await["hook"]["health"].clone()
    }
}
