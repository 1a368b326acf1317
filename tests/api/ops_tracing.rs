//! Request spans (issue 10, item 9): every request runs in a span with its request id, method,
//! route and the hook or source id, and a server error is logged once, in that span, with its
//! cause chain. The server error here is real: a hook secret sealed with another master key.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::helpers::*;

#[tokio::test]
async fn a_server_error_is_logged_once_in_its_request_span_with_the_cause_chain() {
    let app = spawn_driven_app().await;
    let hook = app.create_hook(hook_body("CRM", "http://127.0.0.1:9/hook", &["dealflow.deal.created"])).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dealflow"))
        .arg("serve")
        .env("DEALFLOW_DATABASE", &app.database)
        .env("DEALFLOW_LISTEN", "127.0.0.1:0")
        .env("DEALFLOW_MASTER_KEY", "not the key the hook secret was sealed with")
        .env("DEALFLOW_WORKERS", "1")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (stderr, lines) = (child.stderr.take().unwrap(), log.clone());
    std::thread::spawn(move || {
        BufReader::new(stderr).lines().map_while(Result::ok).for_each(|l| lines.lock().unwrap().push(l))
    });
    let address =
        wait_for(&log, |line| line.split_whitespace().find_map(|w| w.strip_prefix("address=")).map(str::to_owned));

    let response = reqwest::Client::new()
        .get(format!("http://{address}/api/hooks/{}", hook["id"]))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .header("X-Request-Id", "trace-me-42")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 500);
    let error =
        wait_for(&log, |line| (line.contains("ERROR") && line.contains("trace-me-42")).then(|| line.to_owned()));
    let _ = child.kill();
    let _ = child.wait();
    for part in ["request_id=trace-me-42", "method=GET", "route=/api/hooks/{id}", &format!("hook_id={}", hook["id"])] {
        assert!(error.contains(part), "{part} in {error}");
    }
    assert!(error.contains("master key it was sealed with"), "the cause chain: {error}");
    let errors =
        log.lock().unwrap().iter().filter(|line| line.contains("ERROR") && line.contains("trace-me-42")).count();
    assert_eq!(errors, 1, "logged once");
}

/// Waits (up to 30 s) for a log line that `find` extracts something from.
fn wait_for(log: &Mutex<Vec<String>>, find: impl Fn(&str) -> Option<String>) -> String {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if let Some(found) = log.lock().unwrap().iter().find_map(|line| find(line)) {
            return found;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("not logged in time: {:?}", log.lock().unwrap());
}
