//! Copies the event log verbatim, in position order, one chunk per target transaction. Each
//! chunk moves PostgreSQL's append point (`log_head`) with it, so the target is a consistent log
//! after every commit and an interrupted copy resumes after the last one (see
//! [`resume`](super::resume)). On SQLite the position is the row's key: nothing else moves.

use eventlog::StorageError;
use eventlog::sql::{Db, Value};

use super::rows;

const COLUMNS: [&str; 9] =
    ["position", "event_id", "stream", "version", "type", "schema", "data", "metadata", "recorded_at"];

/// The events to copy: after `after`, up to and including `head`, `chunk` per transaction.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    pub after: u64,
    pub head: u64,
    pub chunk: usize,
}

/// Copies the span's events from `source` to `target`, calling `progress(position)` after each
/// committed chunk; answers how many events it copied.
pub fn copy(source: &Db<'_>, target: &Db<'_>, span: Span, mut progress: impl FnMut(u64)) -> Result<u64, StorageError> {
    let columns: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    let select = format!(
        "SELECT {} FROM events WHERE position > ?1 AND position <= ?2 ORDER BY position LIMIT ?3",
        columns.join(", ")
    );
    let (mut after, mut copied) = (span.after, 0);
    while after < span.head {
        let params =
            [Value::Integer(to_i64(after)), Value::Integer(to_i64(span.head)), Value::Integer(to_i64(span.chunk))];
        let chunk = rows::read(source, &select, &params, COLUMNS.len())?;
        let Some((last, recorded_at)) = chunk.last().map(|row| (integer(&row[0]), integer(&row[8]))) else { break };
        rows::in_transaction(target, |target| {
            rows::insert(target, "events", &columns, &chunk)?;
            move_append_point(target, last, recorded_at)
        })?;
        copied += chunk.len() as u64;
        after = u64::try_from(last).unwrap_or(0);
        progress(after);
    }
    Ok(copied)
}

/// On PostgreSQL, the next append (of any node) numbers its events after `position`.
fn move_append_point(target: &Db<'_>, position: i64, recorded_at: i64) -> Result<(), StorageError> {
    if rows::is_postgres(target) {
        target.execute("UPDATE log_head SET position = ?1, recorded_at = ?2", (position, recorded_at))?;
    }
    Ok(())
}

fn integer(value: &Value) -> i64 {
    match value {
        Value::Integer(i) => *i,
        _ => 0,
    }
}

fn to_i64(value: impl TryInto<i64>) -> i64 {
    value.try_into().unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_with(events: u64) -> Db<'static> {
        let db = Db::sqlite_memory().unwrap();
        eventlog::migrations::apply(&db, eventlog::migrations::MIGRATIONS).unwrap();
        for position in 1..=events {
            db.execute(
                "INSERT INTO events VALUES (?1, ?2, 's', ?1, 't', 1, '{}', '{}', ?3)",
                (position, format!("id-{position}"), position * 10),
            )
            .unwrap();
        }
        db
    }

    fn positions(db: &Db<'_>) -> Vec<Vec<Value>> {
        rows::read(db, "SELECT position, event_id, recorded_at FROM events ORDER BY position", &[], 3).unwrap()
    }

    #[test]
    fn given_a_log_when_copied_in_chunks_then_the_target_holds_it_verbatim() {
        let (source, target) = (log_with(25), log_with(0));
        let mut reached = Vec::new();

        let copied = copy(&source, &target, Span { after: 0, head: 25, chunk: 10 }, |p| reached.push(p)).unwrap();

        assert_eq!(copied, 25);
        assert_eq!(reached, vec![10, 20, 25]);
        assert_eq!(positions(&target), positions(&source));
    }

    #[test]
    fn given_a_resumed_span_when_copied_then_only_the_rest_is_added() {
        let source = log_with(25);
        let target = log_with(0);
        copy(&source, &target, Span { after: 0, head: 12, chunk: 5 }, |_| {}).unwrap();

        let copied = copy(&source, &target, Span { after: 12, head: 25, chunk: 5 }, |_| {}).unwrap();

        assert_eq!(copied, 13);
        assert_eq!(positions(&target), positions(&source));
    }
}
