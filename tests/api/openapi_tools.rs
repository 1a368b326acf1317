//! The OpenAPI document against independent tools (issue 15): openapi-spec-validator validates
//! it, and schemathesis fuzzes a live server from it. The tools live in `.venv`
//! (`.ci/python-tools.sh`, run by `.ci/run`); a test fails, never skips, when they are missing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::json;

use crate::helpers::*;

/// The fuzzing run's bound; a server that hangs fails the test rather than CI's whole budget.
const FUZZ_TIMEOUT: Duration = Duration::from_secs(20 * 60);

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A tool of `.venv/bin`, or a failure saying how to install it.
pub fn python_tool(name: &str) -> PathBuf {
    let path = workspace().join(".venv/bin").join(name);
    assert!(path.exists(), "{} is missing: install the Python tools with `bash .ci/python-tools.sh`", path.display());
    path
}

#[test]
fn openapi_spec_validator_accepts_the_committed_document() {
    let output = std::process::Command::new(python_tool("openapi-spec-validator"))
        .arg(workspace().join("docs/openapi.json"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "openapi-spec-validator refused the document:\n{said}");
}

/// Pins the ids of the operations that would lock the fuzzer out or send outside the machine:
/// users, hooks and sources are changed and deleted only as the spares (id 2), so the admin
/// it signs in as, the hook whose test send goes to a loopback receiver and the `url_token`
/// source whose key lets inbound bodies reach parsing stay as arranged.
fn fuzz_config(access_key: &str) -> String {
    format!(
        r#"
[[operations]]
include-path-regex = "^/api/users/\\{{id\\}}"
parameters = {{ "path.id" = 2 }}

[[operations]]
include-path-regex = "^/api/hooks/\\{{id\\}}/(edit|delete|replay|logs)$"
parameters = {{ "path.id" = 2 }}

[[operations]]
include-path-regex = "^/api/sources/\\{{id\\}}/(edit|delete|secret/rotate)$"
parameters = {{ "path.id" = 2 }}

[[operations]]
include-path = "/api/hooks/batch/delete"
parameters = {{ "query.ids[]" = [2] }}

[[operations]]
include-path = "/api/hooks/{{id}}/test"
parameters = {{ "path.id" = 1 }}

[[operations]]
include-path = "/deal-flow/settings/inbound-webhooks/{{source_id}}/receive"
parameters = {{ "path.source_id" = 1, "query.access_key" = "{access_key}" }}
"#
    )
}

/// What the fuzzer works on: a loopback hook (1), a spare hook (2), a user to edit (2), a
/// `url_token` source (1) and a spare source (2). Returns the `url_token` source's key.
async fn arrange(app: &TestApp, receiver: &crate::receiver::Receiver) -> String {
    app.create_hook(hook_body("loopback", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_hook(hook_body("spare", &receiver.url, &["dealflow.deal.won"])).await;
    app.post_ok("/api/users/new", &json!({ "username": "fuzzed", "role": "analyst" }), 201).await;
    let source = app.post_ok("/api/sources/new", &json!({ "name": "fuzzed", "signature": "url_token" }), 201).await;
    app.post_ok("/api/sources/new", &json!({ "name": "spare" }), 201).await;
    source["access_key"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_no_answer_off_the_document() {
    let app = spawn_driven_app().await;
    let receiver = crate::receiver::Receiver::start().await;
    let access_key = arrange(&app, &receiver).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(&config, fuzz_config(&access_key)).unwrap();

    let mut command = tokio::process::Command::new(python_tool("schemathesis"));
    command
        .current_dir(dir.path())
        .args(["--config-file", config.to_str().unwrap(), "run", &app.url("/api/openapi.json")])
        .args(["--auth", &format!("admin:{ADMIN_PASSWORD}")])
        .args(["--checks", "not_a_server_error,response_schema_conformance,status_code_conformance"])
        .args(["--mode", "all", "--max-examples", "100", "--phases", "examples,coverage,fuzzing"])
        .args(["--workers", "1", "--request-timeout", "30", "--seed", "15", "--no-shrink"])
        .args(["--continue-on-failure", "--output-truncate", "false", "--warnings", "off"])
        .env("NO_COLOR", "1")
        .kill_on_drop(true)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let run = tokio::time::timeout(FUZZ_TIMEOUT, command.output()).await;
    let output = run.expect("schemathesis finished within its bound (a hang is a finding)").unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    let summary = said.rsplit_once("SUMMARY").map_or(said.as_str(), |(_, summary)| summary);
    // Straight to the process's stderr, past the test harness's capture: CI's log shows the counts.
    writeln!(std::io::stderr(), "schemathesis against {}:{summary}", app.address).ok();
    assert!(output.status.success(), "schemathesis found faults:\n{said}");
}
