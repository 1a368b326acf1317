//! Runs the synchronous PostgreSQL client where it may run. It drives its own small runtime,
//! which panics when entered (or dropped) on a thread that is already running async tasks; the
//! [`EventLog`](crate::EventLog) reads are synchronous and are called from async code.

use tokio::runtime::{Handle, RuntimeFlavor};

/// Runs `work` off the async runtime if called on one: in place on a multi-thread runtime's
/// worker (which hands its tasks to another), on a scoped thread on a current-thread runtime.
pub(crate) fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(work),
        Ok(_) => std::thread::scope(|scope| match scope.spawn(work).join() {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        }),
        Err(_) => work(),
    }
}
