//! A client generated from the served OpenAPI document by a third-party generator
//! (openapi-python-client, in `.venv`) creates a source, a hook and a deal (issue 15).

use serde_json::Value;

use crate::helpers::*;
use crate::openapi_tools::{python_tool, workspace};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_client_generated_from_the_document_creates_a_source_a_hook_and_a_deal() {
    let app = spawn_app().await;
    let receiver = crate::receiver::Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    // No post-generation hooks: they would run ruff, which is not among the tools.
    std::fs::write(dir.path().join("config.yml"), "post_hooks: []\n").unwrap();

    let generated = tokio::process::Command::new(python_tool("openapi-python-client"))
        .current_dir(dir.path())
        .args(["generate", "--url", &app.url("/api/openapi.json"), "--meta", "none"])
        .args(["--output-path", "dealflow_client", "--config", "config.yml"])
        .output()
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&generated.stdout).into_owned() + &String::from_utf8_lossy(&generated.stderr);
    assert!(generated.status.success(), "openapi-python-client failed:\n{said}");

    let script = workspace().join("tests/api/openapi_client.py");
    let used = tokio::process::Command::new(python_tool("python"))
        .env("PYTHONPATH", dir.path())
        .arg(&script)
        .args([app.address.as_str(), ADMIN_PASSWORD, receiver.url.as_str()])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&used.stderr);
    assert!(used.status.success(), "the generated client failed:\n{stderr}");
    let made: Value = serde_json::from_slice(&used.stdout).unwrap();

    assert_eq!(made["secret_length"], 64);
    assert_eq!(app.get_ok(&format!("/api/sources/{}", made["source"])).await["source"]["name"], "Website form");
    assert_eq!(app.get_ok(&format!("/api/hooks/{}", made["hook"])).await["hook"]["webhookUrl"], receiver.url);
    let deal = app.get_ok(&format!("/api/deals/{}", made["deal"])).await;
    assert_eq!(
        (deal["deal"]["title"].as_str(), deal["deal"]["amount"].as_i64()),
        (Some("Acme Corp - Enterprise Plan"), Some(15000))
    );
}
