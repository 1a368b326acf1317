//! The filters of `GET /api/hooks/{id}/logs`: `status` (`success`, `failed`, `exhausted`),
//! `since` and `until` (RFC 3339), and the page. A parameter or value it does not know is a 400:
//! a filter is never silently ignored.

use api::{ApiError, ListParams, Page};
use chrono::{DateTime, Utc};

/// Which attempts to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered with a 2xx.
    Success,
    /// Every failed attempt (exhausted ones included).
    Failed,
    /// Failed attempts after which no retry was left.
    Exhausted,
}

/// A parsed log query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogQuery {
    pub status: Option<Outcome>,
    /// Attempts made at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Attempts made before this instant.
    pub until: Option<DateTime<Utc>>,
    pub page: Page,
}

impl LogQuery {
    /// Parses the query string's pairs (`start`, `limit`, `status`, `since`, `until`; the server's
    /// one table of query parameters refuses any other); 400 naming a bad value.
    pub fn parse(params: &ListParams) -> Result<Self, ApiError> {
        let status = match params.pairs().iter().find(|(name, _)| name == "status").map(|(_, v)| v.trim()) {
            None => None,
            Some("success") => Some(Outcome::Success),
            Some("failed") => Some(Outcome::Failed),
            Some("exhausted") => Some(Outcome::Exhausted),
            Some(_) => return Err(ApiError::bad_field("status", "must be success, failed or exhausted")),
        };
        Ok(Self {
            status,
            since: params.instant("since")?,
            until: params.instant("until")?,
            page: params.page(30, 1000)?,
        })
    }

    /// The SQL conditions after `hook_id = ?1` (times are bound as `?2` and `?3`).
    pub fn conditions(&self) -> String {
        let mut sql = String::new();
        match self.status {
            None => {}
            Some(Outcome::Success) => sql.push_str(" AND status_code BETWEEN 200 AND 299"),
            Some(Outcome::Failed) => sql.push_str(" AND (status_code IS NULL OR status_code NOT BETWEEN 200 AND 299)"),
            Some(Outcome::Exhausted) => sql.push_str(" AND exhausted = 1"),
        }
        // The casts name the type PostgreSQL cannot infer from `IS NULL` alone.
        sql.push_str(
            " AND (CAST(?2 AS BIGINT) IS NULL OR created_at >= ?2) AND (CAST(?3 AS BIGINT) IS NULL OR created_at < ?3)",
        );
        sql
    }

    /// `since` and `until` as stored (UTC microseconds).
    pub fn bounds(&self) -> (Option<i64>, Option<i64>) {
        (self.since.map(|t| t.timestamp_micros()), self.until.map(|t| t.timestamp_micros()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &[(&str, &str)]) -> Result<LogQuery, ApiError> {
        LogQuery::parse(&ListParams::new(query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()))
    }

    #[test]
    fn every_filter_is_read() {
        let query = parse(&[
            ("status", "exhausted"),
            ("since", "2026-03-01T00:00:00Z"),
            ("until", "2026-03-02T00:00:00+01:00"),
        ])
        .unwrap();
        assert_eq!(query.status, Some(Outcome::Exhausted));
        assert_eq!(query.since.unwrap().to_rfc3339(), "2026-03-01T00:00:00+00:00");
        assert_eq!(query.until.unwrap().to_rfc3339(), "2026-03-01T23:00:00+00:00");
    }

    #[test]
    fn a_bad_value_is_refused_by_name() {
        for (query, named) in [
            (vec![("status", "FAILED!")], "status"),
            (vec![("since", "yesterday")], "since"),
            (vec![("until", "2026-13-01T00:00:00Z")], "until"),
        ] {
            let error = parse(&query).unwrap_err();
            assert_eq!(error.status.as_u16(), 400);
            assert!(error.body()["errors"][0]["details"].get(named).is_some(), "{named}: {}", error.body());
        }
    }
}
