//! A write unit with its typed reply. The writer thread runs units of every caller's types in
//! one group transaction, so it holds them as [`Job`]s: each keeps its own answer until the
//! group's fate is known, then sends it (or the group's failure) to its caller.

use std::panic::{AssertUnwindSafe, catch_unwind};

use tokio::sync::oneshot;

use crate::StorageError;
use crate::transaction::Transaction;

/// How a unit is kept apart from the other units of its group commit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Isolation {
    /// In its own savepoint: `Err` from the unit rolls back everything it did, and nothing else.
    #[default]
    Savepoint,
    /// Without a savepoint, for units that read and decide before they write and can only fail
    /// after their first write through a storage error. This spares SQLite a copy of every page
    /// the unit touches. Should one fail after writing anyway, the whole group commit is rolled
    /// back (every unit in it fails) rather than half of it stored.
    Decided,
}

/// What running a unit came to, as the writer needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ran {
    /// `Ok`: its writes are to be committed.
    Accepted,
    /// `Err`: its writes are to be rolled back.
    Refused,
    /// It panicked; its answer is already `UnitPanicked`.
    Panicked,
}

/// A unit on its way through the writer, type-erased only as far as the writer needs.
pub(crate) trait Job: Send {
    fn isolation(&self) -> Isolation;
    /// Runs the unit once, catching a panic, and keeps its answer.
    fn run(&mut self, tx: &mut Transaction<'_>) -> Ran;
    /// Replaces the kept answer: the unit's writes were rolled back for `error`.
    fn fail_alone(&mut self, error: StorageError);
    /// Sends the kept answer; called once the group is durable (or the unit was refused).
    fn answer(self: Box<Self>);
    /// Sends why nothing of the group was stored.
    fn fail(self: Box<Self>, error: StorageError);
}

/// A unit closure, its answer once run, and the channel its caller waits on.
pub(crate) struct TypedJob<T, E, F> {
    unit: Option<F>,
    answer: Option<Result<T, E>>,
    reply: oneshot::Sender<Result<T, E>>,
    isolation: Isolation,
}

impl<T, E, F> TypedJob<T, E, F> {
    pub(crate) fn new(unit: F, isolation: Isolation, reply: oneshot::Sender<Result<T, E>>) -> Self {
        Self { unit: Some(unit), answer: None, reply, isolation }
    }
}

impl<T, E, F> Job for TypedJob<T, E, F>
where
    F: FnOnce(&mut Transaction<'_>) -> Result<T, E> + Send,
    T: Send,
    E: From<StorageError> + Send,
{
    fn isolation(&self) -> Isolation {
        self.isolation
    }

    fn run(&mut self, tx: &mut Transaction<'_>) -> Ran {
        let Some(unit) = self.unit.take() else { return Ran::Panicked };
        let (ran, answer) = match catch_unwind(AssertUnwindSafe(|| unit(tx))) {
            Ok(Ok(value)) => (Ran::Accepted, Ok(value)),
            Ok(Err(refusal)) => (Ran::Refused, Err(refusal)),
            Err(_panic) => (Ran::Panicked, Err(StorageError::UnitPanicked.into())),
        };
        self.answer = Some(answer);
        ran
    }

    fn fail_alone(&mut self, error: StorageError) {
        self.answer = Some(Err(error.into()));
    }

    fn answer(self: Box<Self>) {
        let answer = self.answer.unwrap_or_else(|| Err(StorageError::UnitPanicked.into()));
        // A send error means the caller stopped waiting; the unit's effects stand.
        let _ = self.reply.send(answer);
    }

    fn fail(self: Box<Self>, error: StorageError) {
        let _ = self.reply.send(Err(error.into()));
    }
}
