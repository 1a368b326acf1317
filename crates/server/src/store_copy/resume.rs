//! Where the event copy starts. A rerun after an interruption resumes after the target's last
//! event, once that event is the source's event at the same position; a target holding another
//! log, or more than the source, is refused.

use eventlog::StorageError;
use eventlog::sql::{Db, Optional};

/// The last event of a log: its position and event id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastEvent {
    pub position: u64,
    pub event_id: String,
}

/// Why the copy cannot go on into this target.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LogRefusal {
    #[error(
        "the target already holds {target} events, more than the source's {source_events}: it is not a copy of this \
         source in progress; copy into an empty database"
    )]
    TargetLonger { target: u64, source_events: u64 },
    #[error(
        "the target holds another log: its event {position} is {target_id}, the source's is {source_id}; copy \
         into an empty database (or the one an interrupted copy of this source left)"
    )]
    DifferentLog { position: u64, target_id: String, source_id: String },
}

/// The position after which to copy, given the source's head, the target's last event (if any)
/// and the source's event id at that event's position.
pub fn resume_after(
    source_head: u64,
    target_last: Option<&LastEvent>,
    source_id_there: Option<&str>,
) -> Result<u64, LogRefusal> {
    let Some(last) = target_last else { return Ok(0) };
    if last.position > source_head {
        return Err(LogRefusal::TargetLonger { target: last.position, source_events: source_head });
    }
    match source_id_there {
        Some(id) if id == last.event_id => Ok(last.position),
        other => Err(LogRefusal::DifferentLog {
            position: last.position,
            target_id: last.event_id.clone(),
            source_id: other.unwrap_or("missing").to_owned(),
        }),
    }
}

/// The last event of a store's log; `None` when it is empty.
pub fn last_event(db: &Db<'_>) -> Result<Option<LastEvent>, StorageError> {
    let sql = "SELECT position, event_id FROM events ORDER BY position DESC LIMIT 1";
    Ok(db.query_row(sql, [], |row| Ok(LastEvent { position: row.get(0)?, event_id: row.get(1)? })).optional()?)
}

/// The event id at `position`, if the log has one there.
pub fn event_id_at(db: &Db<'_>, position: u64) -> Result<Option<String>, StorageError> {
    Ok(db.query_row("SELECT event_id FROM events WHERE position = ?1", [position], |row| row.get(0)).optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last(position: u64, event_id: &str) -> LastEvent {
        LastEvent { position, event_id: event_id.to_owned() }
    }

    #[test]
    fn given_an_empty_target_when_deciding_then_the_copy_starts_at_the_beginning() {
        assert_eq!(resume_after(100, None, None), Ok(0));
    }

    #[test]
    fn given_a_prefix_of_the_source_when_deciding_then_the_copy_resumes_after_it() {
        assert_eq!(resume_after(100, Some(&last(40, "e40")), Some("e40")), Ok(40));
    }

    #[test]
    fn given_a_complete_copy_when_deciding_then_nothing_is_left_to_copy() {
        assert_eq!(resume_after(100, Some(&last(100, "e100")), Some("e100")), Ok(100));
    }

    #[test]
    fn given_another_log_when_deciding_then_the_copy_is_refused() {
        let refused = resume_after(100, Some(&last(40, "x40")), Some("e40"));

        assert_eq!(
            refused,
            Err(LogRefusal::DifferentLog { position: 40, target_id: "x40".into(), source_id: "e40".into() })
        );
    }

    #[test]
    fn given_a_target_longer_than_the_source_when_deciding_then_the_copy_is_refused() {
        assert_eq!(
            resume_after(10, Some(&last(40, "e40")), None),
            Err(LogRefusal::TargetLonger { target: 40, source_events: 10 })
        );
    }
}
