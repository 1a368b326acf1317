//! The one way in to the writer: [`Write`], a unit on its way to the next group commit. Await
//! it in async code, or [`Write::wait_blocking`] on a thread outside the runtime; choose how it
//! is isolated with [`Write::isolation`] first.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::mpsc::Sender;
use std::task::{Context, Poll};

use tokio::sync::oneshot;

use crate::StorageError;
use crate::transaction::Transaction;
use crate::unit::{Isolation, Job, TypedJob};

/// A write unit not yet submitted (made by `SqliteEventLog::write`).
/// It is submitted when awaited or waited for.
#[must_use = "a write does nothing until it is awaited or waited for"]
pub struct Write<'l, T, E, F> {
    writer: &'l Sender<Box<dyn Job>>,
    unit: F,
    isolation: Isolation,
    answer: PhantomData<fn() -> Result<T, E>>,
}

impl<'l, T, E, F> Write<'l, T, E, F>
where
    F: FnOnce(&mut Transaction<'_>) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StorageError> + Send + 'static,
{
    pub(crate) fn new(writer: &'l Sender<Box<dyn Job>>, unit: F) -> Self {
        Self { writer, unit, isolation: Isolation::default(), answer: PhantomData }
    }

    /// Runs the unit with this isolation (default: [`Isolation::Savepoint`]).
    pub fn isolation(mut self, isolation: Isolation) -> Self {
        self.isolation = isolation;
        self
    }

    /// Submits the unit and blocks until it is durable; for threads outside an async runtime.
    pub fn wait_blocking(self) -> Result<T, E> {
        let answer = self.submit();
        answer.blocking_recv().unwrap_or_else(|_| Err(StorageError::WriterStopped.into()))
    }

    fn submit(self) -> oneshot::Receiver<Result<T, E>> {
        let (reply, answer) = oneshot::channel();
        // A send error means the writer is gone; the dropped reply reports it.
        let _ = self.writer.send(Box::new(TypedJob::new(self.unit, self.isolation, reply)));
        answer
    }
}

impl<T, E, F> IntoFuture for Write<'_, T, E, F>
where
    F: FnOnce(&mut Transaction<'_>) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StorageError> + Send + 'static,
{
    type Output = Result<T, E>;
    type IntoFuture = PendingWrite<T, E>;

    fn into_future(self) -> Self::IntoFuture {
        PendingWrite { answer: self.submit() }
    }
}

/// A submitted unit's answer: the unit's own once its group is durable, or why nothing of it
/// was stored.
#[must_use = "the unit runs anyway; its answer says whether it was stored"]
pub struct PendingWrite<T, E> {
    answer: oneshot::Receiver<Result<T, E>>,
}

impl<T, E: From<StorageError>> Future for PendingWrite<T, E> {
    type Output = Result<T, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.answer)
            .poll(cx)
            .map(|answer| answer.unwrap_or_else(|_| Err(StorageError::WriterStopped.into())))
    }
}
