//! The stream versions one group commit already knows, so that an append does not ask the
//! database for a version it has just read or written. They are valid for the batch only: the
//! batch holds the append point (SQLite's write lock, PostgreSQL's `log_head` row), so no other
//! process appends meanwhile; the next batch starts empty.

use std::collections::HashMap;

use crate::ExpectedVersion;

/// What an append compares its expectation with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Current {
    /// The stream's version as this batch knows it (`None`: the stream does not exist).
    Known(Option<u64>),
    /// Not known, and the expectation is that the stream does not exist: insert at version 1
    /// and let the `(stream, version)` key refuse it if the stream exists after all. New
    /// streams (a new deal, a new contact) then cost no lookup.
    AssumedNew,
    /// Not known: ask the database.
    Unknown,
}

/// Decides what an append checks its expectation against, given what the batch knows.
pub(crate) fn current(known: Option<Option<u64>>, expected: ExpectedVersion) -> Current {
    match (known, expected) {
        (Some(version), _) => Current::Known(version),
        (None, ExpectedVersion::NoStream) => Current::AssumedNew,
        (None, _) => Current::Unknown,
    }
}

/// Versions learnt during one batch, by stream name.
#[derive(Default)]
pub(crate) struct StreamVersions {
    known: HashMap<String, Option<u64>>,
}

impl StreamVersions {
    /// The version of `stream`, if this batch has read or written it.
    pub(crate) fn get(&self, stream: &str) -> Option<Option<u64>> {
        self.known.get(stream).copied()
    }

    /// Records that `stream` stands at `version` in this batch.
    pub(crate) fn learn(&mut self, stream: &str, version: Option<u64>) {
        if let Some(known) = self.known.get_mut(stream) {
            *known = version;
        } else {
            self.known.insert(stream.to_owned(), version);
        }
    }

    /// Forgets everything (a unit rolled back: what it appended is gone).
    pub(crate) fn forget(&mut self) {
        self.known.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_version_the_batch_knows_when_appending_then_it_is_used_whatever_the_expectation() {
        for expected in [ExpectedVersion::Any, ExpectedVersion::NoStream, ExpectedVersion::Exact(3)] {
            assert_eq!(current(Some(Some(3)), expected), Current::Known(Some(3)));
            assert_eq!(current(Some(None), expected), Current::Known(None));
        }
    }

    #[test]
    fn given_an_unknown_stream_expected_not_to_exist_when_appending_then_no_lookup_is_made() {
        assert_eq!(current(None, ExpectedVersion::NoStream), Current::AssumedNew);
    }

    #[test]
    fn given_an_unknown_stream_expected_at_a_version_or_any_when_appending_then_the_database_is_asked() {
        assert_eq!(current(None, ExpectedVersion::Exact(1)), Current::Unknown);
        assert_eq!(current(None, ExpectedVersion::Any), Current::Unknown);
    }

    #[test]
    fn given_learnt_versions_when_forgotten_then_nothing_is_known() {
        let mut versions = StreamVersions::default();
        versions.learn("deal-1", Some(2));
        versions.learn("deal-1", Some(3));
        versions.learn("deal-2", None);
        assert_eq!(
            (versions.get("deal-1"), versions.get("deal-2"), versions.get("deal-3")),
            (Some(Some(3)), Some(None), None)
        );
        versions.forget();
        assert_eq!(versions.get("deal-1"), None);
    }
}
