//! The event log's contract, tested against real SQLite files.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use domain::ids::StreamName;
use domain::{Actor, Metadata};
use eventlog::*;
use uuid::Uuid;

fn open(path: &Path) -> SqliteEventLog {
    SqliteEventLog::open(path, migrations::MIGRATIONS, LogSettings::default()).unwrap()
}

fn event(n: u64) -> NewEvent {
    typed_event("test.happened", n)
}

fn typed_event(event_type: &str, n: u64) -> NewEvent {
    let data = format!(r#"{{"n":{n},"padding":"{}"}}"#, "x".repeat(300));
    let metadata = serde_json::to_string(&Metadata::new(Actor::system(), None)).unwrap();
    NewEvent::raw(Uuid::now_v7(), event_type, 1, data, metadata).unwrap()
}

fn stream(name: &str) -> StreamName {
    StreamName::from(name)
}

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
async fn a_failing_unit_fails_alone_in_its_group() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    let mut handles = Vec::new();
    for i in 0..64_u64 {
        let log = log.clone();
        handles.push(tokio::spawn(async move {
            log.write(move |tx| {
                tx.append(&stream(&format!("deal-{i}")), ExpectedVersion::NoStream, &[event(i)])?;
                if i % 3 == 0 {
                    return Err(AppendError::PartialRepeat(Uuid::nil()));
                }
                Ok(i)
            })
            .await
        }));
    }
    let mut committed = 0;
    for handle in handles {
        if handle.await.unwrap().is_ok() {
            committed += 1;
        }
    }
    assert_eq!(committed, 64 - 22);
    let all = log.read_all(0, 1000, &EventFilter::default()).unwrap();
    assert_eq!(all.len(), committed);
    assert_eq!(all.last().unwrap().position, committed as u64);
}

#[tokio::test]
async fn a_checkpoint_commits_or_rolls_back_with_its_unit() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    log.write(|tx| tx.save_checkpoint("projection", 5).map_err(AppendError::from)).await.unwrap();

    let refused: Result<(), AppendError> = log
        .write(|tx| {
            tx.save_checkpoint("projection", 9)?;
            Err(AppendError::PartialRepeat(Uuid::nil()))
        })
        .await;

    assert!(refused.is_err());
    assert_eq!(log.checkpoint("projection").unwrap(), 5);
    assert!(log.wait_for_checkpoint("projection", 5, Duration::from_millis(10)).await);
    assert!(!log.wait_for_checkpoint("projection", 6, Duration::from_millis(50)).await);
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

    let refused = SqliteEventLog::open(&path, migrations::MIGRATIONS, LogSettings::default());

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

#[tokio::test]
async fn ids_continue_after_reopening_and_never_repeat_between_two_writers() {
    use domain::ids::IdKind;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    let (first, second) = (open(&path), open(&path));
    let mut seen = Vec::new();
    for round in 0..20 {
        let log = if round % 3 == 0 { &second } else { &first };
        seen.push(log.write(|tx| tx.next_id(IdKind::Deal)).await.unwrap());
    }
    drop((first, second));
    seen.push(open(&path).write(|tx| tx.next_id(IdKind::Deal)).await.unwrap());

    assert_eq!(seen, (1..=21).collect::<Vec<u64>>());
}

#[tokio::test]
async fn a_rolled_back_unit_gives_its_ids_back() {
    use domain::ids::IdKind;
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    log.write(|tx| tx.next_id(IdKind::Contact)).await.unwrap();

    let refused: Result<u64, StorageError> = log
        .write(|tx| {
            tx.next_id(IdKind::Contact)?;
            Err(StorageError::WriterStopped)
        })
        .await;
    let next = log.write(|tx| tx.next_id(IdKind::Contact)).await.unwrap();

    assert!(refused.is_err());
    assert_eq!(next, 2);
}

#[tokio::test]
async fn an_append_that_fails_halfway_stores_nothing_even_if_its_unit_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    let stored = event(1);
    log.append(stream("deal-1"), ExpectedVersion::Any, vec![stored.clone()]).await.unwrap();

    let careless: Result<bool, AppendError> = log
        .write(move |tx| {
            let failed = tx.append(&stream("deal-2"), ExpectedVersion::NoStream, &[event(2), stored]).is_err();
            Ok(failed)
        })
        .await;

    assert!(matches!(careless, Err(AppendError::Storage(_))), "{careless:?}");
    assert_eq!(log.head().unwrap(), 1);
    assert!(log.read_stream("deal-2", 1).unwrap().is_empty());
}

#[tokio::test]
async fn a_decided_unit_refused_before_writing_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    let (other, refused) = tokio::join!(
        log.write(|tx| tx.append(&stream("deal-1"), ExpectedVersion::Any, &[event(1)])),
        log.write(|tx| {
            tx.stream_version("deal-2")?;
            Err::<(), AppendError>(AppendError::PartialRepeat(Uuid::nil()))
        })
        .isolation(Isolation::Decided),
    );

    assert!(other.is_ok() && refused.is_err());
    assert_eq!(log.head().unwrap(), 1);
}

#[tokio::test]
async fn a_decided_unit_that_fails_after_writing_rolls_back_its_whole_group() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    let careless = log
        .write(|tx| {
            tx.append(&stream("deal-2"), ExpectedVersion::Any, &[event(2)])?;
            Err::<(), AppendError>(AppendError::PartialRepeat(Uuid::nil()))
        })
        .isolation(Isolation::Decided);

    let refused = careless.await;

    assert!(matches!(refused, Err(AppendError::Storage(_))), "{refused:?}");
    assert_eq!(log.head().unwrap(), 0, "nothing of the unit was committed");
    log.append(stream("deal-3"), ExpectedVersion::Any, vec![event(3)]).await.unwrap();
    assert_eq!(log.head().unwrap(), 1, "the writer goes on after the rolled-back group");
}

/// A caller's own refusal type, to see it come back as it was returned.
#[derive(Debug)]
enum Refusal {
    TooLarge(u64),
    Storage(StorageError),
}

impl From<StorageError> for Refusal {
    fn from(error: StorageError) -> Self {
        Self::Storage(error)
    }
}

#[tokio::test]
async fn a_unit_answers_its_own_value_and_refusal_types() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));

    let (accepted, refused) = tokio::join!(
        log.write(|tx| Ok::<_, Refusal>((tx.head(), String::from("kept")))),
        log.write(|_| Err::<(), _>(Refusal::TooLarge(7))),
    );

    assert_eq!(accepted.unwrap(), (0, "kept".to_owned()));
    assert!(matches!(refused, Err(Refusal::TooLarge(7))), "{refused:?}");
}

#[tokio::test]
async fn a_unit_that_panics_answers_unit_panicked_and_its_group_commits() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));

    let (panicked, other) = tokio::join!(
        log.write(|tx| -> Result<(), Refusal> {
            tx.append(&stream("deal-1"), ExpectedVersion::Any, &[event(1)]).map_err(|_| Refusal::TooLarge(0))?;
            panic!("a bug in a unit");
        }),
        log.write(|tx| tx.append(&stream("deal-2"), ExpectedVersion::Any, &[event(2)])),
    );

    assert!(matches!(panicked, Err(Refusal::Storage(StorageError::UnitPanicked))), "{panicked:?}");
    assert!(other.is_ok());
    assert_eq!(log.read_all(0, 10, &EventFilter::default()).unwrap().len(), 1, "only the other unit's event");
}

#[test]
fn a_thread_outside_the_runtime_waits_for_its_write() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));

    let appended = log.write(|tx| tx.append(&stream("deal-1"), ExpectedVersion::NoStream, &[event(1)])).wait_blocking();

    assert_eq!(appended.unwrap().last_position, Some(1));
}
