//! One row of a source's request log, what it came to, and the filter over outcomes.

use chrono::{DateTime, Utc};
use domain::ids::{DealId, SourceId};
use serde::Serialize;

/// What an inbound request came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A deal was created (201).
    Created,
    /// A deal was updated, or the request changed nothing (200).
    Updated,
    /// A repeat of an idempotency key: the first answer was sent again.
    Replayed,
    /// The source refused it: a signature or credential failed, or the source is unpublished (403).
    Refused,
    /// The body did not parse (400) or did not validate (422).
    Invalid,
    /// The body was over the cap, as sent or once decoded (413).
    TooLarge,
    /// A `Content-Encoding` or media type the endpoint does not take (415).
    Unsupported,
    /// The server failed (5xx) or another answer.
    Error,
}

impl Outcome {
    /// Every outcome, in the order the docs list them.
    pub const ALL: [Outcome; 8] = [
        Outcome::Created,
        Outcome::Updated,
        Outcome::Replayed,
        Outcome::Refused,
        Outcome::Invalid,
        Outcome::TooLarge,
        Outcome::Unsupported,
        Outcome::Error,
    ];

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Replayed => "replayed",
            Outcome::Refused => "refused",
            Outcome::Invalid => "invalid",
            Outcome::TooLarge => "too_large",
            Outcome::Unsupported => "unsupported",
            Outcome::Error => "error",
        }
    }

    /// The outcome of a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == name)
    }

    /// True for the outcomes a sender counts as delivered.
    pub fn is_success(self) -> bool {
        matches!(self, Outcome::Created | Outcome::Updated | Outcome::Replayed)
    }
}

/// One stored request, as `GET /api/sources/{id}/requests` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestRow {
    pub id: u64,
    #[serde(flatten)]
    pub entry: Entry,
}

/// What is recorded of one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    #[serde(skip)]
    pub source_id: SourceId,
    pub received_at: DateTime<Utc>,
    /// The HTTP status answered.
    pub status: u16,
    pub outcome: Outcome,
    /// Why, for anything but a plain success: never the body or the signature.
    pub reason: Option<String>,
    /// Bytes of the body as sent, when known (a request cut off at the cap shows the cap).
    pub body_size: Option<u64>,
    pub idempotency_key: Option<String>,
    /// The deal the request created, updated or replayed.
    pub deal_id: Option<DealId>,
}

/// The `status` filter of the request log: `success`, `failed`, or one outcome's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    Success,
    Failed,
    Only(Outcome),
}

impl StatusFilter {
    /// Every accepted value, for error messages and docs.
    pub fn names() -> Vec<&'static str> {
        let mut names = vec!["success", "failed"];
        names.extend(Outcome::ALL.iter().map(|o| o.as_str()));
        names
    }

    /// The filter a value names, if any.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "success" => Some(StatusFilter::Success),
            "failed" => Some(StatusFilter::Failed),
            other => Outcome::parse(other).map(StatusFilter::Only),
        }
    }

    /// The outcomes it keeps.
    pub fn outcomes(self) -> Vec<Outcome> {
        Outcome::ALL
            .into_iter()
            .filter(|o| match self {
                StatusFilter::Success => o.is_success(),
                StatusFilter::Failed => !o.is_success(),
                StatusFilter::Only(only) => *o == only,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_name_parses_back_to_itself() {
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
            assert_eq!(serde_json::to_value(outcome).unwrap(), outcome.as_str());
        }
    }

    #[test]
    fn success_and_failed_split_the_outcomes_between_them() {
        let success = StatusFilter::Success.outcomes();
        let failed = StatusFilter::Failed.outcomes();
        assert_eq!(success, [Outcome::Created, Outcome::Updated, Outcome::Replayed]);
        assert_eq!(success.len() + failed.len(), Outcome::ALL.len());
        assert!(failed.iter().all(|o| !success.contains(o)));
    }

    #[test]
    fn a_filter_names_one_outcome_or_a_group_and_nothing_else() {
        assert_eq!(StatusFilter::parse("too_large"), Some(StatusFilter::Only(Outcome::TooLarge)));
        assert_eq!(StatusFilter::parse("failed"), Some(StatusFilter::Failed));
        assert_eq!(StatusFilter::parse("ok"), None);
        assert_eq!(StatusFilter::parse("Created"), None);
    }
}
