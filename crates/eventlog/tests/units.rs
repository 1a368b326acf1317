//! Write units on the SQLite log: a unit fails alone in its group, commits its checkpoint and
//! ids with its events, answers its own typed value, and is isolated as its `Isolation` says.

mod common;

use std::future::IntoFuture;
use std::time::Duration;

use common::{event, open, stream};
use eventlog::*;
use uuid::Uuid;

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

#[tokio::test]
async fn a_stream_appended_by_a_unit_that_rolled_back_is_new_again_for_the_next_unit_of_its_group() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(&dir.path().join("log.db"));
    // Submitted in order, without waiting: each pair shares a group commit. The first of a pair
    // creates deal-k and refuses; the second creates deal-k too and must find it new.
    let units = (0..64_u64).map(|i| {
        log.write(move |tx| {
            tx.append(&stream(&format!("deal-{}", i / 2)), ExpectedVersion::NoStream, &[event(i)])?;
            if i % 2 == 0 {
                return Err(AppendError::PartialRepeat(Uuid::nil()));
            }
            Ok(i)
        })
        .into_future()
    });

    let outcomes = futures::future::join_all(units).await;

    let committed: Vec<u64> = outcomes.into_iter().filter_map(Result::ok).collect();
    assert_eq!(committed, (0..32).map(|k| 2 * k + 1).collect::<Vec<_>>());
    assert_eq!(log.head().unwrap(), 32);
}
