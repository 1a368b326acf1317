//! The `inbound_requests` table: insert, list newest first, prune.

use chrono::{DateTime, Utc};
use domain::ids::{DealId, SourceId};
use eventlog::sql::{Db, Row, params_from_iter};

use super::row::{Entry, Outcome, RequestRow, StatusFilter};

/// Records one request.
pub fn insert(conn: &Db<'_>, entry: &Entry) -> eventlog::sql::Result<()> {
    conn.prepare_cached(
        "INSERT INTO inbound_requests
             (source_id, received_at, status, outcome, reason, body_size, idempotency_key, deal_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute((
        entry.source_id.0 as i64,
        entry.received_at.timestamp_micros(),
        entry.status,
        entry.outcome.as_str(),
        &entry.reason,
        entry.body_size.map(|size| size as i64),
        &entry.idempotency_key,
        entry.deal_id.map(|id| id.0 as i64),
    ))?;
    Ok(())
}

/// A page of a source's requests, newest first, and how many match in all. Ordered by time
/// received, not id: refusals are inserted in batches, after requests that came later.
pub fn list(
    conn: &Db<'_>,
    source: SourceId,
    filter: Option<StatusFilter>,
    start: u64,
    limit: u64,
) -> eventlog::sql::Result<(u64, Vec<RequestRow>)> {
    let outcomes: Vec<&str> = filter.map(|f| f.outcomes()).unwrap_or_default().iter().map(|o| o.as_str()).collect();
    let mut condition = "source_id = ?".to_owned();
    if filter.is_some() {
        condition += &format!(" AND outcome IN ({})", vec!["?"; outcomes.len()].join(", "));
    }
    let mut args: Vec<eventlog::sql::Value> = vec![(source.0 as i64).into()];
    args.extend(outcomes.iter().map(|o| eventlog::sql::Value::Text((*o).to_owned())));
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM inbound_requests WHERE {condition}"),
        params_from_iter(args.iter()),
        |row| row.get(0),
    )?;
    args.push((limit.min(i64::MAX as u64) as i64).into());
    args.push((start.min(i64::MAX as u64) as i64).into());
    let mut statement = conn.prepare_cached(&format!(
        "SELECT id, source_id, received_at, status, outcome, reason, body_size, idempotency_key, deal_id
         FROM inbound_requests WHERE {condition} ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?"
    ))?;
    let rows = statement.query_map(params_from_iter(args.iter()), read_row)?.collect::<Result<_, _>>()?;
    Ok((total as u64, rows))
}

fn read_row(row: &Row<'_>) -> eventlog::sql::Result<RequestRow> {
    let outcome: String = row.get(4)?;
    let micros: i64 = row.get(2)?;
    Ok(RequestRow {
        id: row.get::<i64>(0)? as u64,
        entry: Entry {
            source_id: SourceId(row.get::<i64>(1)? as u64),
            received_at: DateTime::from_timestamp_micros(micros).unwrap_or_default(),
            status: row.get(3)?,
            outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Error),
            reason: row.get(5)?,
            body_size: row.get::<Option<i64>>(6)?.map(|size| size as u64),
            idempotency_key: row.get(7)?,
            deal_id: row.get::<Option<i64>>(8)?.map(|id| DealId(id as u64)),
        },
    })
}

/// How much of the log housekeeping keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// Rows received before this go.
    pub before: DateTime<Utc>,
    /// Rows beyond the newest this many of their source go.
    pub max_rows_per_source: u64,
}

/// Deletes rows older than the retention or beyond its count per source; answers how many.
pub fn prune(conn: &Db<'_>, retention: &Retention) -> eventlog::sql::Result<usize> {
    let mut pruned = conn
        .prepare_cached("DELETE FROM inbound_requests WHERE received_at < ?1")?
        .execute([retention.before.timestamp_micros()])?;
    let sources: Vec<i64> = conn
        .prepare_cached("SELECT DISTINCT source_id FROM inbound_requests")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let keep = retention.max_rows_per_source.min(i64::MAX as u64) as i64;
    let mut beyond = conn.prepare_cached(
        "DELETE FROM inbound_requests WHERE source_id = ?1 AND id NOT IN (
             SELECT id FROM inbound_requests WHERE source_id = ?1
             ORDER BY received_at DESC, id DESC LIMIT ?2)",
    )?;
    for source in sources {
        pruned += beyond.execute((source, keep))?;
    }
    Ok(pruned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> Db<'static> {
        let conn = Db::sqlite_memory().unwrap();
        conn.execute_batch(include_str!("../../../../migrations/0009_request_log.sql")).unwrap();
        conn
    }

    fn entry(source: u64, at: DateTime<Utc>, outcome: Outcome) -> Entry {
        Entry {
            source_id: SourceId(source),
            received_at: at,
            status: 201,
            outcome,
            reason: None,
            body_size: Some(10),
            idempotency_key: None,
            deal_id: Some(DealId(7)),
        }
    }

    #[test]
    fn a_source_lists_its_own_rows_newest_first_filtered_and_paged() {
        let conn = database();
        let now = Utc::now();
        for outcome in [Outcome::Created, Outcome::Refused, Outcome::Updated, Outcome::Invalid] {
            insert(&conn, &entry(1, now, outcome)).unwrap();
        }
        insert(&conn, &entry(2, now, Outcome::Created)).unwrap();

        let (total, rows) = list(&conn, SourceId(1), None, 0, 10).unwrap();
        let outcomes: Vec<_> = rows.iter().map(|r| r.entry.outcome).collect();
        assert_eq!(total, 4);
        assert_eq!(outcomes, [Outcome::Invalid, Outcome::Updated, Outcome::Refused, Outcome::Created]);
        let (total, rows) = list(&conn, SourceId(1), Some(StatusFilter::Failed), 1, 10).unwrap();
        assert_eq!((total, rows.len(), rows[0].entry.outcome), (2, 1, Outcome::Refused));
    }

    #[test]
    fn pruning_drops_rows_past_the_age_and_beyond_the_count_of_each_source() {
        let conn = database();
        let now = Utc::now();
        insert(&conn, &entry(1, now - chrono::Duration::days(40), Outcome::Created)).unwrap();
        for _ in 0..5 {
            insert(&conn, &entry(1, now, Outcome::Created)).unwrap();
            insert(&conn, &entry(2, now, Outcome::Created)).unwrap();
        }

        let pruned = prune(&conn, &Retention { before: now - chrono::Duration::days(30), max_rows_per_source: 3 });

        assert_eq!(pruned.unwrap(), 1 + 2 + 2);
        assert_eq!(list(&conn, SourceId(1), None, 0, 10).unwrap().0, 3);
        let (_, rows) = list(&conn, SourceId(2), None, 0, 10).unwrap();
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [11, 9, 7]);
    }
}
