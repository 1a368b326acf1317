//! The event log's contract, tested against real SQLite files: appends, reads, the refusing
//! triggers, and durability across a SIGKILL. Write units are in `units.rs`.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{event, open, stream, typed_event};
use domain::Metadata;
use eventlog::*;
use uuid::Uuid;

#[tokio::test]
async fn a_conflicting_append_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    log.append(stream("deal-1"), ExpectedVersion::NoStream, vec![event(1), event(2)]).await.unwrap();

    let refused = log.append(stream("deal-1"), ExpectedVersion::Exact(1), vec![event(3)]).await;

    assert!(matches!(refused, Err(AppendError::Conflict { actual: Some(2), .. })), "{refused:?}");
    assert_eq!(log.head().unwrap(), 2);
    assert_eq!(log.read_stream("deal-1", 1).unwrap().len(), 2);
    let again = log.append(stream("deal-1"), ExpectedVersion::NoStream, vec![event(4)]).await;
    assert!(matches!(again, Err(AppendError::Conflict { .. })));
}

#[tokio::test]
async fn a_unit_that_conflicts_on_its_second_stream_stores_nothing_of_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    log.append(stream("contact-1"), ExpectedVersion::NoStream, vec![event(1)]).await.unwrap();

    let refused: Result<(), AppendError> = log
        .write(|tx| {
            tx.append(&stream("deal-1"), ExpectedVersion::NoStream, &[event(2)])?;
            tx.append(&stream("contact-1"), ExpectedVersion::NoStream, &[event(3)])?;
            Ok(())
        })
        .await;

    assert!(matches!(refused, Err(AppendError::Conflict { .. })));
    assert_eq!(log.head().unwrap(), 1);
    assert!(log.read_stream("deal-1", 1).unwrap().is_empty());
}

#[tokio::test]
async fn a_repeated_event_id_stores_nothing_and_answers_the_first_position() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    log.append(stream("deal-9"), ExpectedVersion::NoStream, vec![event(0)]).await.unwrap();
    let events = vec![event(1), event(2)];
    let first = log.append(stream("deal-1"), ExpectedVersion::NoStream, events.clone()).await.unwrap();

    // Even with an expectation that no longer holds, the repeat is recognised first.
    let repeat = log.append(stream("deal-1"), ExpectedVersion::NoStream, events).await.unwrap();

    assert_eq!((first.first_position, first.last_position), (Some(2), Some(3)));
    assert_eq!((repeat.first_position, repeat.last_position), (Some(2), Some(3)));
    assert!(repeat.duplicate && !first.duplicate);
    assert_eq!(log.head().unwrap(), 3);
}

#[test]
fn concurrent_appends_leave_gapless_positions_and_contiguous_versions() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    let threads = 12;
    let per_thread = 150;
    std::thread::scope(|scope| {
        for t in 0..threads {
            let log = log.clone();
            scope.spawn(move || {
                let own = stream(&format!("deal-{}", t + 1));
                for i in 0..per_thread {
                    let (target, expected) = if i % 2 == 0 {
                        (own.clone(), ExpectedVersion::from_current((i > 0).then_some(i / 2)))
                    } else {
                        (stream("source-1"), ExpectedVersion::Any)
                    };
                    log.write(move |tx| tx.append(&target, expected, &[event(i)])).wait_blocking().unwrap();
                }
            });
        }
    });

    let all = log.read_all(0, 100_000, &EventFilter::default()).unwrap();
    let positions: Vec<u64> = all.iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=(threads * per_thread)).collect::<Vec<_>>());
    let mut versions: HashMap<&str, Vec<u64>> = HashMap::new();
    for event in &all {
        versions.entry(&event.stream).or_default().push(event.version);
    }
    for (name, seen) in versions {
        assert_eq!(seen, (1..=seen.len() as u64).collect::<Vec<_>>(), "versions of {name}");
    }
}

#[test]
fn event_data_and_metadata_must_be_json_objects() {
    let metadata = serde_json::to_string(&Metadata::system()).unwrap();
    assert!(NewEvent::raw(Uuid::now_v7(), "x.y", 1, "{not json".into(), metadata.clone()).is_err());
    assert!(NewEvent::raw(Uuid::now_v7(), "x.y", 1, "[1]".into(), metadata.clone()).is_err());
    assert!(NewEvent::raw(Uuid::now_v7(), "x.y", 1, "{}".into(), "null".into()).is_err());
    assert!(NewEvent::raw(Uuid::now_v7(), "x.y", 1, "{}".into(), metadata).is_ok());
}

#[tokio::test]
async fn the_database_rejects_update_and_delete_of_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    let log = open(&path);
    log.append(stream("deal-1"), ExpectedVersion::Any, vec![event(1)]).await.unwrap();

    let conn = open_connection(&path).unwrap();
    let update = conn.execute("UPDATE events SET data = '{}' WHERE position = 1", []);
    let delete = conn.execute("DELETE FROM events", []);

    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(log.read_stream("deal-1", 1).unwrap().len(), 1);
}

#[tokio::test]
async fn subscribers_wake_after_a_commit() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    let mut listener = log.subscribe();
    let writer = log.clone();
    tokio::spawn(async move { writer.append(stream("deal-1"), ExpectedVersion::Any, vec![event(1)]).await });

    let started = Instant::now();
    listener.wait_beyond(0, Duration::from_secs(10)).await;

    assert_eq!(listener.head(), 1);
    assert!(started.elapsed() < Duration::from_secs(5), "woken by the commit, not the fallback");
}

#[tokio::test]
async fn read_all_filters_by_type_stream_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    let typed = typed_event("deal.stage_changed", 1);
    log.append(stream("deal-1"), ExpectedVersion::Any, vec![typed, event(2)]).await.unwrap();
    log.append(stream("deal-2"), ExpectedVersion::Any, vec![event(3)]).await.unwrap();

    let by_type = EventFilter { types: vec!["deal.*".into()], ..EventFilter::default() };
    let by_stream = EventFilter { stream: Some("deal-2".into()), ..EventFilter::default() };
    let future = EventFilter { since: Some(chrono::Utc::now() + chrono::Duration::hours(1)), ..EventFilter::default() };

    assert_eq!(log.read_all(0, 10, &by_type).unwrap().len(), 1);
    assert_eq!(log.read_all(0, 10, &by_stream).unwrap()[0].position, 3);
    assert!(log.read_all(0, 10, &future).unwrap().is_empty());
    assert_eq!(log.read_all(1, 1, &EventFilter::default()).unwrap()[0].position, 2);
}

#[test]
fn a_database_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    drop(open(&path));
    let conn = open_connection(&path).unwrap();
    conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')", []).unwrap();

    let refused = EventStore::open(&path, migrations::MIGRATIONS, LogSettings::default());

    assert!(matches!(refused, Err(StorageError::NewerSchema(999))));
}

const CHILD_ENV: &str = "EVENTLOG_CRASH_CHILD_DB";

/// Run as a child by the test below: appends from four threads forever, printing each
/// acknowledged append as `ACK <event id> <position>`.
fn append_until_killed(path: &str) -> ! {
    let log = open(Path::new(path));
    for t in 0..4 {
        let log = log.clone();
        std::thread::spawn(move || {
            for i in 0.. {
                let event = event(i);
                let id = event.event_id();
                let target = stream(&format!("deal-{t}"));
                let appended =
                    log.write(move |tx| tx.append(&target, ExpectedVersion::Any, &[event])).wait_blocking().unwrap();
                println!("ACK {id} {}", appended.last_position.unwrap());
            }
        });
    }
    loop {
        std::thread::park();
    }
}

#[test]
fn acknowledged_appends_survive_sigkill() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        append_until_killed(&path);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["acknowledged_appends_survive_sigkill", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acknowledged = Vec::new();
    while acknowledged.len() < 2_000 {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(ack) = line.strip_prefix("ACK ") {
            acknowledged.push(ack.to_owned());
        }
    }

    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    acknowledged.extend(lines.map_while(Result::ok).filter_map(|l| l.strip_prefix("ACK ").map(str::to_owned)));

    assert!(acknowledged.len() >= 2_000, "the child acknowledged only {}", acknowledged.len());
    let log = open(&path);
    let stored: HashMap<String, u64> = log
        .read_all(0, 1_000_000, &EventFilter::default())
        .unwrap()
        .into_iter()
        .map(|e| (e.event_id.to_string(), e.position))
        .collect();
    for ack in &acknowledged {
        let (id, position) = ack.split_once(' ').unwrap();
        assert_eq!(stored.get(id), Some(&position.parse().unwrap()), "acknowledged event {id} is missing");
    }
    let positions: Vec<u64> = (1..=stored.len() as u64).collect();
    let mut seen: Vec<u64> = stored.values().copied().collect();
    seen.sort_unstable();
    assert_eq!(seen, positions, "positions stay gapless after the crash");
}
