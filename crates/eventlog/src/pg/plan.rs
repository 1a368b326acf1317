//! A whole group commit's appends, decided in memory from what the log held when the batch
//! took the `log_head` lock: the stream versions and stored event ids the batch touches are read
//! in two queries, each append is decided in turn (seeing the appends before it in the batch),
//! and the events to insert are numbered. The writer then inserts them all in one statement:
//! a handful of round trips per batch, however many appends it holds.

use std::collections::HashMap;

use uuid::Uuid;

use super::decide::{Decision, Stored, decide};
use crate::{AppendError, Appended, ExpectedVersion, NewEvent};

/// Events to insert: all of one request's, numbered from these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Insert {
    /// Index of the request in its batch.
    pub request: usize,
    pub first_position: u64,
    pub first_version: u64,
}

/// The batch as decided so far.
pub(crate) struct Plan {
    head: u64,
    /// The last version of each stream the batch touches; absent: no such stream.
    versions: HashMap<String, u64>,
    stored: HashMap<Uuid, Stored>,
    inserts: Vec<Insert>,
}

impl Plan {
    /// A plan starting at `head`, with what the log holds of the batch's streams and ids.
    pub(crate) fn new(head: u64, versions: HashMap<String, u64>, stored: HashMap<Uuid, Stored>) -> Self {
        Self { head, versions, stored, inserts: Vec::new() }
    }

    /// Decides request `request`'s append as [`crate::Transaction::append`] would; on success
    /// its events are numbered after everything planned before.
    pub(crate) fn append(
        &mut self,
        request: usize,
        stream: &str,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<Appended, AppendError> {
        let current = self.versions.get(stream).copied();
        if events.is_empty() {
            return Ok(Appended {
                first_position: None,
                last_position: None,
                stream_version: current,
                duplicate: false,
            });
        }
        let ids: Vec<Uuid> = events.iter().map(NewEvent::event_id).collect();
        match decide(&ids, &self.stored, expected, current) {
            Decision::Insert => Ok(self.insert(request, stream, current.unwrap_or(0), &ids)),
            Decision::Repeat { first, last_position } => Ok(Appended {
                first_position: Some(first.position),
                last_position: Some(last_position),
                stream_version: self.versions.get(&first.stream).copied(),
                duplicate: true,
            }),
            Decision::Conflict => Err(AppendError::Conflict { stream: stream.to_owned(), expected, actual: current }),
            Decision::PartialRepeat(id) => Err(AppendError::PartialRepeat(id)),
        }
    }

    fn insert(&mut self, request: usize, stream: &str, current: u64, ids: &[Uuid]) -> Appended {
        let (first_position, count) = (self.head + 1, ids.len() as u64);
        for (position, id) in (first_position..).zip(ids) {
            self.stored.insert(*id, Stored { position, stream: stream.to_owned() });
        }
        self.head += count;
        self.versions.insert(stream.to_owned(), current + count);
        self.inserts.push(Insert { request, first_position, first_version: current + 1 });
        Appended {
            first_position: Some(first_position),
            last_position: Some(self.head),
            stream_version: Some(current + count),
            duplicate: false,
        }
    }

    /// The head after every planned insert.
    pub(crate) fn head(&self) -> u64 {
        self.head
    }

    /// What to insert, in position order.
    pub(crate) fn inserts(&self) -> &[Insert] {
        &self.inserts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> NewEvent {
        NewEvent::raw(Uuid::now_v7(), "test.happened", 1, "{}".into(), "{}".into()).unwrap()
    }

    fn plan_at(head: u64, versions: &[(&str, u64)]) -> Plan {
        Plan::new(head, versions.iter().map(|(s, v)| (s.to_string(), *v)).collect(), HashMap::new())
    }

    #[test]
    fn appends_of_one_batch_are_numbered_after_the_head_and_each_other() {
        let mut plan = plan_at(10, &[("deal-1", 2)]);

        let first = plan.append(0, "deal-1", ExpectedVersion::Exact(2), &[event(), event()]).unwrap();
        let second = plan.append(1, "deal-1", ExpectedVersion::Exact(4), &[event()]).unwrap();

        assert_eq!((first.first_position, first.last_position, first.stream_version), (Some(11), Some(12), Some(4)));
        assert_eq!((second.first_position, second.stream_version), (Some(13), Some(5)));
        assert_eq!(plan.head(), 13);
        let numbered = [(0, 11, 3), (1, 13, 5)].map(|(request, first_position, first_version)| Insert {
            request,
            first_position,
            first_version,
        });
        assert_eq!(plan.inserts(), numbered);
    }

    #[test]
    fn a_conflict_in_the_batch_numbers_nothing_and_the_next_append_goes_on() {
        let mut plan = plan_at(3, &[]);

        let refused = plan.append(0, "deal-1", ExpectedVersion::Exact(1), &[event()]);
        let next = plan.append(1, "deal-1", ExpectedVersion::NoStream, &[event()]).unwrap();

        assert!(matches!(refused, Err(AppendError::Conflict { actual: None, .. })));
        assert_eq!(next.first_position, Some(4));
        assert_eq!(plan.inserts().len(), 1);
    }

    #[test]
    fn a_repeat_within_the_batch_answers_the_positions_planned_for_it() {
        let mut plan = plan_at(0, &[]);
        let events = [event(), event()];

        plan.append(0, "deal-1", ExpectedVersion::NoStream, &events).unwrap();
        let repeat = plan.append(1, "deal-1", ExpectedVersion::NoStream, &events).unwrap();

        assert!(repeat.duplicate);
        assert_eq!((repeat.first_position, repeat.last_position, repeat.stream_version), (Some(1), Some(2), Some(2)));
        assert_eq!(plan.head(), 2);
    }

    #[test]
    fn an_empty_append_answers_the_stream_version_and_stores_nothing() {
        let mut plan = plan_at(5, &[("deal-1", 5)]);

        let appended = plan.append(0, "deal-1", ExpectedVersion::Exact(1), &[]).unwrap();

        assert_eq!((appended.first_position, appended.stream_version), (None, Some(5)));
        assert!(plan.inserts().is_empty());
    }
}
