//! SPEC §2's contract, one test body per property, run on SQLite and on PostgreSQL by
//! `contract!`. The PostgreSQL runs need `DEALFLOW_TEST_POSTGRES` (see `support`) and fail
//! without it.

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use domain::ids::StreamName;
use domain::{Actor, Metadata};
use eventlog::{AppendError, EventFilter, ExpectedVersion, NewEvent};
use support::{Log, Store};
use uuid::Uuid;

/// One `#[tokio::test]` per backend for each body: `sqlite::name` and `postgres::name`.
macro_rules! contract {
    ($($body:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $body() {
                super::$body(super::Store::sqlite()).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread")]
            async fn $body() {
                super::$body(super::Store::postgres()).await;
            })*
        }
    };
}

contract!(
    positions_stay_gapless_and_in_order_while_two_instances_append_from_many_threads,
    a_conflicting_append_stores_nothing,
    racing_creators_of_one_stream_conflict_alone_and_the_others_commit,
    a_repeated_event_id_is_stored_once_even_from_another_instance,
    the_database_refuses_update_and_delete_of_events,
    a_commit_wakes_a_listener_of_the_same_instance,
    a_checkpoint_round_trips_and_is_seen_by_another_instance,
    read_all_filters_by_type_stream_and_time,
);

fn event(n: u64) -> NewEvent {
    typed_event("test.happened", n)
}

fn typed_event(event_type: &str, n: u64) -> NewEvent {
    let metadata = serde_json::to_string(&Metadata::new(Actor::system(), None)).unwrap();
    NewEvent::raw(Uuid::now_v7(), event_type, 1, format!(r#"{{"n":{n}}}"#), metadata).unwrap()
}

fn stream(name: &str) -> StreamName {
    StreamName::from(name)
}

const INSTANCES: usize = 2;
const THREADS: usize = 4;
const APPENDS: u64 = 60;

async fn positions_stay_gapless_and_in_order_while_two_instances_append_from_many_threads(store: Store) {
    let logs: Vec<Log> = (0..INSTANCES).map(|_| store.open()).collect();
    let tail = store.open();
    let total = (INSTANCES * THREADS) as u64 * APPENDS;
    let done = AtomicBool::new(false);

    let tailed = std::thread::scope(|scope| {
        let tailer = scope.spawn(|| tail_until(&tail, total, &done));
        let appenders: Vec<_> = logs
            .iter()
            .enumerate()
            .flat_map(|(i, log)| (0..THREADS).map(move |t| (log, i * THREADS + t)))
            .map(|(log, n)| scope.spawn(move || append_mixed(log, n)))
            .collect();
        appenders.into_iter().for_each(|appender| appender.join().unwrap());
        done.store(true, Ordering::SeqCst);
        tailer.join().unwrap()
    });

    assert_eq!(tailed, total);
    let all = logs[0].read_all(0, 100_000, &EventFilter::default()).unwrap();
    assert_eq!(all.iter().map(|e| e.position).collect::<Vec<_>>(), (1..=total).collect::<Vec<_>>());
    let mut versions: HashMap<&str, Vec<u64>> = HashMap::new();
    all.iter().for_each(|e| versions.entry(&e.stream).or_default().push(e.version));
    for (name, seen) in versions {
        assert_eq!(seen, (1..=seen.len() as u64).collect::<Vec<_>>(), "versions of {name}");
    }
}

/// Appends alternately to the appender's own stream (checked versions) and a shared one (any).
fn append_mixed(log: &Log, appender: usize) {
    let own = stream(&format!("deal-{appender}"));
    for i in 0..APPENDS {
        let (target, expected) = if i % 2 == 0 {
            (own.clone(), ExpectedVersion::from_current((i > 0).then_some(i / 2)))
        } else {
            (stream("source-1"), ExpectedVersion::Any)
        };
        futures::executor::block_on(log.append(target, expected, vec![event(i)])).unwrap();
    }
}

/// Reads the log as a tailer does while appends run, failing on any gap (which is how n+1
/// seen before n shows); answers how many events it read.
fn tail_until(log: &Log, total: u64, done: &AtomicBool) -> u64 {
    let mut seen = 0;
    loop {
        let finished = done.load(Ordering::SeqCst);
        for event in log.read_all(seen, 500, &EventFilter::default()).unwrap() {
            assert_eq!(event.position, seen + 1, "the tailer saw position {} right after {seen}", event.position);
            seen = event.position;
        }
        if finished && seen >= total {
            return seen;
        }
    }
}

async fn a_conflicting_append_stores_nothing(store: Store) {
    let (log, other) = (store.open(), store.open());
    log.append(stream("deal-1"), ExpectedVersion::NoStream, vec![event(1), event(2)]).await.unwrap();

    let stale = other.append(stream("deal-1"), ExpectedVersion::Exact(1), vec![event(3)]).await;
    let recreate = other.append(stream("deal-1"), ExpectedVersion::NoStream, vec![event(4)]).await;
    let current = other.append(stream("deal-1"), ExpectedVersion::Exact(2), vec![event(5)]).await.unwrap();

    assert!(matches!(stale, Err(AppendError::Conflict { actual: Some(2), .. })), "{stale:?}");
    assert!(matches!(recreate, Err(AppendError::Conflict { .. })), "{recreate:?}");
    assert_eq!((current.first_position, current.stream_version), (Some(3), Some(3)));
    assert_eq!(log.read_stream("deal-1", 1).unwrap().len(), 3);
    assert_eq!(log.head().unwrap(), 3);
}

async fn racing_creators_of_one_stream_conflict_alone_and_the_others_commit(store: Store) {
    let (log, other) = (store.open(), store.open());
    let appends = (0..48_u64).map(|i| {
        let log = if i % 2 == 0 { &log } else { &other };
        // A third race to create deal-1; the rest append freely, in the same group commits.
        let (target, expected) =
            if i % 3 == 0 { ("deal-1", ExpectedVersion::NoStream) } else { ("source-1", ExpectedVersion::Any) };
        log.append(stream(target), expected, vec![event(i)])
    });

    let outcomes = futures::future::join_all(appends).await;

    let created = outcomes.iter().step_by(3).filter(|o| o.is_ok()).count();
    let conflicts = outcomes.iter().filter(|o| matches!(o, Err(AppendError::Conflict { .. }))).count();
    assert_eq!((created, conflicts), (1, 15), "one creator wins, every other creator conflicts");
    assert!(outcomes.iter().enumerate().filter(|(i, _)| i % 3 != 0).all(|(_, o)| o.is_ok()));
    let positions: Vec<u64> =
        log.read_all(0, 100, &EventFilter::default()).unwrap().iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=33).collect::<Vec<_>>());
}

async fn a_repeated_event_id_is_stored_once_even_from_another_instance(store: Store) {
    let (log, other) = (store.open(), store.open());
    log.append(stream("deal-9"), ExpectedVersion::NoStream, vec![event(0)]).await.unwrap();
    let events = vec![event(1), event(2)];
    let first = log.append(stream("deal-1"), ExpectedVersion::NoStream, events.clone()).await.unwrap();

    // The expectation no longer holds, but a retry is recognised before it is checked.
    let repeat = other.append(stream("deal-1"), ExpectedVersion::NoStream, events.clone()).await.unwrap();
    let half = other.append(stream("deal-1"), ExpectedVersion::Any, vec![event(3), events[1].clone()]).await;

    assert_eq!((first.first_position, first.last_position), (Some(2), Some(3)));
    assert_eq!((repeat.first_position, repeat.last_position, repeat.stream_version), (Some(2), Some(3), Some(2)));
    assert!(repeat.duplicate && !first.duplicate);
    assert!(matches!(half, Err(AppendError::PartialRepeat(_))), "{half:?}");
    assert_eq!(log.head().unwrap(), 3);
}

async fn the_database_refuses_update_and_delete_of_events(store: Store) {
    let log = store.open();
    log.append(stream("deal-1"), ExpectedVersion::Any, vec![event(1)]).await.unwrap();

    let update = store.execute("UPDATE events SET data = '{}' WHERE position = 1");
    let delete = store.execute("DELETE FROM events");

    assert!(update.unwrap_err().contains("append-only"));
    assert!(delete.unwrap_err().contains("append-only"));
    assert_eq!(log.read_stream("deal-1", 1).unwrap().len(), 1);
}

async fn a_commit_wakes_a_listener_of_the_same_instance(store: Store) {
    let log = store.open();
    let mut listener = log.subscribe();

    let appended = log.append(stream("deal-1"), ExpectedVersion::Any, vec![event(1)]);
    let started = Instant::now();
    let (_, appended) = tokio::join!(listener.wait_beyond(0, Duration::from_secs(30)), appended);

    appended.unwrap();
    assert_eq!(listener.head(), 1);
    assert!(started.elapsed() < Duration::from_secs(10), "woken by the commit, not the fallback");
}

async fn a_checkpoint_round_trips_and_is_seen_by_another_instance(store: Store) {
    let (log, other) = (store.open(), store.open());
    assert_eq!(log.checkpoint("projection").unwrap(), 0);

    log.save_checkpoint("projection", 5).await.unwrap();
    log.save_checkpoint("projection", 9).await.unwrap();
    log.save_checkpoint("dispatcher", 2).await.unwrap();

    assert_eq!(log.checkpoint("projection").unwrap(), 9);
    assert_eq!(other.checkpoint("projection").unwrap(), 9);
    assert_eq!(other.checkpoint("dispatcher").unwrap(), 2);
    assert_eq!(other.checkpoint("unknown").unwrap(), 0);
}

async fn read_all_filters_by_type_stream_and_time(store: Store) {
    let log = store.open();
    let typed = vec![typed_event("deal.stage_changed", 1), event(2), typed_event("deal.created", 3)];
    log.append(stream("deal-1"), ExpectedVersion::Any, typed).await.unwrap();
    log.append(stream("deal-2"), ExpectedVersion::Any, vec![event(4)]).await.unwrap();
    let positions = |filter: EventFilter, after: u64, limit: usize| -> Vec<u64> {
        log.read_all(after, limit, &filter).unwrap().iter().map(|e| e.position).collect()
    };
    let types =
        |types: &[&str]| EventFilter { types: types.iter().map(|t| t.to_string()).collect(), ..EventFilter::default() };
    let hour = chrono::Duration::hours(1);

    assert_eq!(positions(types(&["deal.*"]), 0, 10), [1, 3]);
    assert_eq!(positions(types(&["deal.created", "test.happened"]), 0, 10), [2, 3, 4]);
    assert_eq!(positions(types(&["*"]), 1, 2), [2, 3]);
    assert_eq!(positions(EventFilter { stream: Some("deal-2".into()), ..EventFilter::default() }, 0, 10), [4]);
    assert!(
        positions(EventFilter { since: Some(chrono::Utc::now() + hour), ..EventFilter::default() }, 0, 10).is_empty()
    );
    assert_eq!(
        positions(EventFilter { until: Some(chrono::Utc::now() + hour), ..EventFilter::default() }, 0, 10),
        [1, 2, 3, 4]
    );
    let since_an_hour_ago = EventFilter { since: Some(chrono::Utc::now() - hour), ..EventFilter::default() };
    assert_eq!(positions(since_an_hour_ago, 1, 10), [2, 3, 4]);
    assert_eq!(log.read_stream("deal-1", 2).unwrap().iter().map(|e| e.version).collect::<Vec<_>>(), [2, 3]);
}
