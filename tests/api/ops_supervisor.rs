//! Background tasks are watched (issue 10, item 9): `serve` runs its roles under one supervisor;
//! `/ready` lists them, and a panic injected into the projector (`DEALFLOW_TEST_FAULT`, a switch
//! only tests turn on) makes the real binary answer 503 on `/ready`, then exit non-zero naming
//! the projector.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::helpers::*;

#[tokio::test]
async fn ready_lists_every_role_as_running() {
    let app = spawn_app().await;

    let response = app.get("/ready").await;

    assert_eq!(response.status(), 200);
    let roles = json(response).await["roles"].clone();
    for role in ["http", "projector", "dispatcher", "housekeeping"] {
        assert_eq!(roles[role], "running", "{role} in {roles}");
    }
}

#[tokio::test]
async fn a_panicking_projector_makes_ready_503_then_serve_exits_non_zero_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dealflow"))
        .arg("serve")
        .env("DEALFLOW_DATABASE", dir.path().join("dealflow.db"))
        .env("DEALFLOW_LISTEN", "127.0.0.1:0")
        .env("DEALFLOW_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("DEALFLOW_WORKERS", "1")
        .env("DEALFLOW_TEST_FAULT", "projector_panic")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dealflow starts");
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let stderr = child.stderr.take().unwrap();
    let lines = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            lines.lock().unwrap().push(line);
        }
    });
    let address = wait_for(&log, |line| line.split_whitespace().find_map(|w| w.strip_prefix("address=")));

    let mut unready = None;
    let client = reqwest::Client::new();
    let started = Instant::now();
    while unready.is_none() && started.elapsed() < Duration::from_secs(30) {
        let answered = client.get(format!("http://{address}/ready")).send().await;
        if let Some(response) = answered.ok().filter(|response| response.status() == 503) {
            unready = Some(json(response).await);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = exit_within(&mut child, Duration::from_secs(30));

    let unready = unready.expect("/ready answered 503 before the process exited");
    assert!(unready["roles"]["projector"].as_str().unwrap().starts_with("stopped"), "{unready}");
    assert_eq!(unready["roles"]["http"], "running");
    assert!(!status.expect("serve exits by itself").success(), "exits non-zero");
    let log = log.lock().unwrap().join("\n");
    assert!(log.contains("the projector role stopped") && log.contains("injected fault"), "{log}");
}

/// The exit status of `child` if it exits within `limit`; killed otherwise (the test fails).
fn exit_within(child: &mut std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Waits (up to 30 s) for a log line that `find` extracts something from.
fn wait_for(log: &Mutex<Vec<String>>, find: impl Fn(&str) -> Option<&str>) -> String {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if let Some(found) = log.lock().unwrap().iter().find_map(|line| find(line).map(str::to_owned)) {
            return found;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("not logged in time: {:?}", log.lock().unwrap());
}
