//! `spawn_app()` and one helper per endpoint, so that tests read as sentences.

use std::path::PathBuf;
use std::process::Output;

use api::Role;
use eventlog::{SqliteEventLog, StorageError};
use reqwest::{Client, RequestBuilder, Response};
use serde_json::Value;
use server::auth::{passwords, users};
use server::{Application, Settings};

pub const ADMIN_PASSWORD: &str = "correct-horse-battery-staple";

/// A running application and what tests need to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub log: SqliteEventLog,
    pub database: PathBuf,
    pub _dir: tempfile::TempDir,
}

/// Starts the application with test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the application with test settings changed by `configure`.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    server::telemetry::init();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::default();
    settings.server.listen = "127.0.0.1:0".into();
    settings.server.workers = Some(2);
    settings.database.path = dir.path().join("dealflow.db");
    settings.auth.admin_password = Some(domain::values::Secret::new(ADMIN_PASSWORD));
    configure(&mut settings);
    let database = settings.database.path.clone();
    let app = Application::build(settings).await.expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let log = app.log().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp { address, client: Client::new(), log, database, _dir: dir }
}

impl TestApp {
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
        std::process::Command::new(env!("CARGO_BIN_EXE_dealflow"))
            .args(args)
            .env("DEALFLOW_DATABASE", &self.database)
            .env("RUST_LOG", "warn")
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
