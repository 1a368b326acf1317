//! Commit notifications across processes: a thread holds one connection that `LISTEN`s on
//! [`CHANNEL`] (every writer notifies its new head there inside its commit) and publishes each
//! head to this process's [`CommitListener`](crate::CommitListener)s. A poll of `log_head` backs
//! it up: after a lost connection, or a notification that never came, tailers still move on.

use std::sync::Weak;
use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config, NoTls};

use crate::StorageError;
use crate::notify::Notifier;

/// The notification channel; its payload is the committed head position in decimal.
pub(crate) use crate::append_point::CHANNEL;

/// How often the thread checks whether its log is still open.
const LIVENESS: Duration = Duration::from_millis(500);

/// Starts the listener thread; it stops soon after the notifier (the log) is dropped.
pub(crate) fn spawn(config: Config, notifier: Weak<Notifier>, poll: Duration) -> std::io::Result<()> {
    std::thread::Builder::new().name("eventlog-pg-listener".into()).spawn(move || {
        while notifier.strong_count() > 0 {
            if let Err(error) = listen(&config, &notifier, poll) {
                tracing::warn!(%error, "the PostgreSQL commit listener lost its connection; reconnecting");
                std::thread::sleep(LIVENESS);
            }
        }
    })?;
    Ok(())
}

/// Listens until the log is dropped (`Ok`) or the connection fails (`Err`).
fn listen(config: &Config, notifier: &Weak<Notifier>, poll: Duration) -> Result<(), StorageError> {
    let mut client = config.connect(NoTls)?;
    client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    // Commits made before LISTEN took effect sent their notifications to no one.
    let mut polled = poll_head(&mut client, notifier)?;
    loop {
        let Some(live) = notifier.upgrade() else { return Ok(()) };
        {
            let mut notifications = client.notifications();
            let mut arrived = notifications.timeout_iter(LIVENESS.min(poll));
            while let Some(notification) = arrived.next()? {
                if let Ok(head) = notification.payload().parse::<u64>() {
                    live.publish_head(head);
                }
            }
        }
        drop(live);
        // `None` also means the server hung up: the next query says so.
        if polled.elapsed() >= poll || client.is_closed() {
            polled = poll_head(&mut client, notifier)?;
        }
    }
}

fn poll_head(client: &mut Client, notifier: &Weak<Notifier>) -> Result<Instant, StorageError> {
    let head: i64 = client.query_one("SELECT position FROM log_head", &[])?.try_get(0)?;
    if let Some(live) = notifier.upgrade() {
        live.publish_head(u64::try_from(head).unwrap_or_default());
    }
    Ok(Instant::now())
}
