//! `dealflow store copy` resumes after a `kill -9` with an equal hash, and refuses a target that
//! holds another log, a target longer than its source, and a master key that does not open the
//! source's secrets.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use domain::ids::StreamName;
use eventlog::sql::{Db, PgConn};
use eventlog::{EventLog, ExpectedVersion, NewEvent};

use crate::helpers::{TestApp, spawn_app};
use crate::store_copy::{store_copy, text};
use crate::test_store::TestStore;

/// Appends `count` events the read models ignore, in one commit.
async fn append_fillers(app: &TestApp, count: usize) {
    let events: Vec<NewEvent> = (0..count)
        .map(|n| NewEvent::raw(uuid::Uuid::now_v7(), "test.filler", 1, format!("{{\"n\":{n}}}"), "{}".into()).unwrap())
        .collect();
    app.log.append(StreamName::from("filler-1"), ExpectedVersion::Any, events).await.unwrap();
}

/// The events a store holds (0 while it does not exist or has no log yet).
fn events_in(store: &TestStore) -> u64 {
    let count = |db: &Db<'_>| db.query_row("SELECT count(*) FROM events", [], |row| row.get::<u64>(0)).unwrap_or(0);
    match store {
        TestStore::Sqlite(path) if !path.exists() => 0,
        TestStore::Sqlite(path) => eventlog::open_connection(path).map(|conn| count(&Db::sqlite(&conn))).unwrap_or(0),
        TestStore::Postgres(db) => {
            let url = db.url.clone();
            std::thread::spawn(move || {
                let mut conn = PgConn::connect(&url.parse().unwrap()).unwrap();
                count(&Db::postgres(&mut conn))
            })
            .join()
            .unwrap()
        }
    }
}

fn hashes(stdout: &str) -> Vec<String> {
    stdout.lines().filter(|l| l.contains("sha256")).filter_map(|l| l.rsplit(' ').next()).map(str::to_owned).collect()
}

#[tokio::test]
async fn a_copy_killed_mid_log_completes_when_run_again_with_equal_hashes() {
    let app = spawn_app().await;
    append_fillers(&app, 4_000).await;
    let total = app.head();
    let target_dir = tempfile::tempdir().unwrap();
    let target = TestStore::for_test(target_dir.path());
    // One event per transaction, and a progress line per chunk to a pipe nobody reads: the copy
    // stops when the pipe is full, long before its end, so the kill always lands mid-log.
    let mut copy = Command::new(env!("CARGO_BIN_EXE_dealflow"))
        .args(["store", "copy", "--from", &app.store.setting(), "--to", &target.setting(), "--chunk", "1"])
        .envs(app.store.env().into_iter().filter(|(name, _)| *name != "DEALFLOW_DATABASE"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while events_in(&target) < 10 {
        assert!(started.elapsed() < Duration::from_secs(60), "the copy never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    copy.kill().unwrap();
    copy.wait().unwrap();
    let interrupted = events_in(&target);
    assert!(interrupted > 0 && interrupted < total, "killed after {interrupted} of {total} events");

    let rerun = store_copy(&app.store, &target, &[]);

    let stdout = text(&rerun.stdout);
    assert!(rerun.status.success(), "{stdout}{}", text(&rerun.stderr));
    assert!(text(&rerun.stderr).contains("resuming"), "{}", text(&rerun.stderr));
    let hashes = hashes(&stdout);
    assert_eq!(hashes.len(), 2, "{stdout}");
    assert_eq!(hashes[0], hashes[1]);
    assert_eq!(events_in(&target), total);
}

#[tokio::test]
async fn a_target_holding_another_log_is_refused() {
    let (source, other) = (spawn_app().await, spawn_app().await);
    append_fillers(&source, 5).await;
    append_fillers(&other, 3).await;

    let refused = store_copy(&source.store, &other.store, &[]);

    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("the target holds another log"), "{}", text(&refused.stderr));
}

#[tokio::test]
async fn a_target_longer_than_its_source_is_refused() {
    let (source, longer) = (spawn_app().await, spawn_app().await);
    append_fillers(&longer, 5).await;

    let refused = store_copy(&source.store, &longer.store, &[]);

    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("more than the source's"), "{}", text(&refused.stderr));
}

#[tokio::test]
async fn a_master_key_that_does_not_open_the_sources_secrets_is_refused_before_copying() {
    let source = spawn_app().await;
    source.create_source("Web").await;
    let target_dir = tempfile::tempdir().unwrap();
    let target = TestStore::for_test(target_dir.path());
    let wrong = ("DEALFLOW_MASTER_KEY", "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXkxMjM=".to_owned());
    let (from, to) = (source.store.setting(), target.setting());

    let refused = crate::store_copy::dealflow(&["store", "copy", "--from", &from, "--to", &to], &[wrong]);

    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("does not open the source's sealed secrets"), "{}", text(&refused.stderr));
    assert_eq!(events_in(&target), 0, "nothing was copied");
}
