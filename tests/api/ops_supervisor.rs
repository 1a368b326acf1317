//! Background tasks are watched (issue 10, item 9): `serve` runs its roles under one supervisor;
//! `/ready` lists them, and a panic injected into the projector (`DEALFLOW_TEST_FAULT`, a switch
//! only tests turn on) makes the real binary answer 503 on `/ready`, then exit non-zero naming
//! the projector.

use std::time::{Duration, Instant};

use crate::helpers::*;
use crate::served::Served;
use crate::test_store::TestStore;

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
    let store = TestStore::for_test(dir.path());
    let mut env = store.env();
    env.push(("DEALFLOW_ADMIN_PASSWORD", ADMIN_PASSWORD.into()));
    env.push(("DEALFLOW_TEST_FAULT", "projector_panic".into()));
    let mut served = Served::start(env);
    let address = served.address();

    let mut unready = None;
    let client = reqwest::Client::new();
    let started = Instant::now();
    while unready.is_none() && started.elapsed() < Duration::from_secs(30) {
        let answered = client.get(format!("{address}/ready")).send().await;
        if let Some(response) = answered.ok().filter(|response| response.status() == 503) {
            unready = Some(json(response).await);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = served.exit_within(Duration::from_secs(30));

    let unready = unready.expect("/ready answered 503 before the process exited");
    assert!(unready["roles"]["projector"].as_str().unwrap().starts_with("stopped"), "{unready}");
    assert_eq!(unready["roles"]["http"], "running");
    assert!(!status.expect("serve exits by itself").success(), "exits non-zero");
    let log = served.log().join("\n");
    assert!(log.contains("the projector role stopped") && log.contains("injected fault"), "{log}");
}
