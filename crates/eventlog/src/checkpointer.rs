//! Takes most WAL checkpoint work off the writer thread: this thread copies committed WAL frames
//! into the database file in the background (PASSIVE: it never blocks the writer or readers).
//! The writer keeps SQLite's auto-checkpoint, which then finds little left to copy, completes,
//! and lets the WAL restart from its beginning. (A background checkpoint alone never catches up
//! with a busy writer, and a WAL that never restarts grows without bound, each new frame landing
//! on a freshly zeroed page.)

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::StorageError;
use crate::connection::open_connection;

const INTERVAL: Duration = Duration::from_millis(100);

/// Stops the checkpointer thread when dropped.
pub(crate) struct Checkpointer {
    stop: Arc<AtomicBool>,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts checkpointing the WAL of the database at `path`.
pub(crate) fn spawn(path: &Path) -> Result<Checkpointer, StorageError> {
    let conn = open_connection(path)?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    std::thread::Builder::new()
        .name("eventlog-checkpoint".into())
        .spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                std::thread::sleep(INTERVAL);
                if let Err(error) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(%error, "WAL checkpoint failed; it will be retried");
                }
            }
        })
        .map_err(|e| StorageError::CommitFailed(format!("cannot start the checkpoint thread: {e}")))?;
    Ok(Checkpointer { stop })
}
