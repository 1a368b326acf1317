//! What only the PostgreSQL log promises beyond the shared contract (`contract.rs`): commit
//! notifications that cross processes, and migrations that two nodes may start at once. Needs
//! `DEALFLOW_TEST_POSTGRES` (see `support`) and fails without it.

mod support;

use std::sync::Barrier;
use std::time::{Duration, Instant};

use domain::ids::StreamName;
use domain::{Actor, Metadata};
use eventlog::sql::{Db, PgConn};
use eventlog::{Database, EventLog, EventStore, ExpectedVersion, NewEvent, StorageError, migrations};
use support::{Store, TestDatabase};
use uuid::Uuid;

fn event() -> NewEvent {
    let metadata = serde_json::to_string(&Metadata::new(Actor::system(), None)).unwrap();
    NewEvent::raw(Uuid::now_v7(), "test.happened", 1, "{}".into(), metadata).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_commit_wakes_a_listener_in_another_log_instance_through_notify() {
    let store = Store::postgres();
    // The poll is far longer than the wait allowed: only the notification can wake it in time.
    let watching = store.open_polling_every(Duration::from_secs(600));
    let appending = store.open();
    let mut listener = watching.subscribe();

    let started = Instant::now();
    let (_, appended) = tokio::join!(
        listener.wait_beyond(0, Duration::from_secs(60)),
        appending.append(StreamName::from("deal-1"), ExpectedVersion::Any, vec![event(), event()]),
    );

    appended.unwrap();
    assert_eq!(listener.head(), 2);
    assert!(started.elapsed() < Duration::from_secs(20), "woken by NOTIFY, not the fallback");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_current_thread_runtime_can_read_the_log_too() {
    let store = Store::postgres();
    let log = store.open();
    log.append(StreamName::from("deal-1"), ExpectedVersion::Any, vec![event()]).await.unwrap();
    let url = match &store {
        Store::Postgres(db) => db.url.clone(),
        Store::Sqlite(_) => unreachable!(),
    };

    let head = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let log = EventStore::open_database(&Database::Postgres(url), migrations::MIGRATIONS, Default::default())
                .unwrap();
            log.head().unwrap()
        })
    });

    assert_eq!(head.join().unwrap(), 1);
}

#[test]
fn two_nodes_migrating_at_once_both_succeed_and_apply_the_schema_once() {
    let db = TestDatabase::create();
    let start = Barrier::new(2);

    let applied: Vec<usize> = std::thread::scope(|scope| {
        let nodes: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut conn = PgConn::connect(&db.url.parse().unwrap()).unwrap();
                    start.wait();
                    migrations::apply(&Db::postgres(&mut conn), migrations::MIGRATIONS).unwrap()
                })
            })
            .collect();
        nodes.into_iter().map(|node| node.join().unwrap()).collect()
    });

    assert_eq!(applied.iter().sum::<usize>(), migrations::MIGRATIONS.len(), "applied {applied:?}");
    let recorded: i64 = db.client(|c| c.query_one("SELECT count(*) FROM schema_migrations", &[]).unwrap().get(0));
    assert_eq!(recorded, migrations::MIGRATIONS.len() as i64);
}

#[test]
fn a_database_from_a_newer_build_is_refused() {
    let db = TestDatabase::create();
    let url = db.url.clone();
    std::thread::spawn(move || {
        let mut conn = PgConn::connect(&url.parse().unwrap()).unwrap();
        let db = Db::postgres(&mut conn);
        migrations::apply(&db, migrations::MIGRATIONS).unwrap();
        db.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')", []).unwrap();
        let refused = migrations::apply(&db, migrations::MIGRATIONS);
        assert!(matches!(refused, Err(StorageError::NewerSchema(999))), "{refused:?}");
    })
    .join()
    .unwrap();
}
