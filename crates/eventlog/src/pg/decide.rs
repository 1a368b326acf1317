//! What one append does, decided from what the log holds before anything is written: the
//! PostgreSQL writer asks first and writes once, so that a refused append needs no savepoint.

use std::collections::HashMap;

use uuid::Uuid;

use crate::ExpectedVersion;

/// Where an already stored event sits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stored {
    pub position: u64,
    pub stream: String,
}

/// The outcome of an append, before it is carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Insert every event after the stream's current version.
    Insert,
    /// Every event is stored already (a retry): answer their positions, write nothing.
    Repeat { first: Stored, last_position: u64 },
    /// The stream is not at the expected version.
    Conflict,
    /// Some events are stored and others not, or one id comes twice: refuse, write nothing.
    PartialRepeat(Uuid),
}

/// Decides an append of events with `ids` (at least one) to a stream at `current`, given the
/// ids among them that are already `stored`. As on SQLite, a repeat of the first event wins
/// over a failed expectation: a retried append whose stream has moved on is not a conflict.
pub(crate) fn decide(
    ids: &[Uuid],
    stored: &HashMap<Uuid, Stored>,
    expected: ExpectedVersion,
    current: Option<u64>,
) -> Decision {
    if let Some(twice) = first_repeated(ids) {
        return Decision::PartialRepeat(twice);
    }
    if let Some(first) = ids.first().and_then(|id| stored.get(id)) {
        return match ids.iter().find(|id| !stored.contains_key(id)) {
            Some(missing) => Decision::PartialRepeat(*missing),
            None => {
                let last_position = ids.last().and_then(|id| stored.get(id)).map_or(first.position, |s| s.position);
                Decision::Repeat { first: first.clone(), last_position }
            }
        };
    }
    if !expected.admits(current) {
        return Decision::Conflict;
    }
    match ids.iter().find(|id| stored.contains_key(id)) {
        Some(found) => Decision::PartialRepeat(*found),
        None => Decision::Insert,
    }
}

fn first_repeated(ids: &[Uuid]) -> Option<Uuid> {
    ids.iter().enumerate().find(|(i, id)| ids[..*i].contains(id)).map(|(_, id)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn stored(entries: &[(u128, u64)]) -> HashMap<Uuid, Stored> {
        entries.iter().map(|(n, position)| (id(*n), Stored { position: *position, stream: "deal-1".into() })).collect()
    }

    #[test]
    fn new_events_on_the_expected_version_are_inserted() {
        let decision = decide(&[id(1), id(2)], &stored(&[]), ExpectedVersion::Exact(3), Some(3));
        assert_eq!(decision, Decision::Insert);
    }

    #[test]
    fn new_events_on_another_version_conflict() {
        let decision = decide(&[id(1)], &stored(&[]), ExpectedVersion::NoStream, Some(1));
        assert_eq!(decision, Decision::Conflict);
    }

    #[test]
    fn a_retry_is_a_repeat_even_when_the_stream_has_moved_on() {
        let decision = decide(&[id(1), id(2)], &stored(&[(1, 7), (2, 8)]), ExpectedVersion::NoStream, Some(5));
        let first = Stored { position: 7, stream: "deal-1".into() };
        assert_eq!(decision, Decision::Repeat { first, last_position: 8 });
    }

    #[test]
    fn a_half_stored_append_is_refused_whichever_half_is_stored() {
        let known = stored(&[(2, 9)]);
        assert_eq!(decide(&[id(1), id(2)], &known, ExpectedVersion::Any, None), Decision::PartialRepeat(id(2)));
        assert_eq!(decide(&[id(2), id(1)], &known, ExpectedVersion::Any, None), Decision::PartialRepeat(id(1)));
    }

    #[test]
    fn an_id_given_twice_in_one_append_is_refused() {
        let decision = decide(&[id(1), id(2), id(1)], &stored(&[]), ExpectedVersion::Any, None);
        assert_eq!(decision, Decision::PartialRepeat(id(1)));
    }
}
