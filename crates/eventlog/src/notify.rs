//! Wake-ups after commits: the log's head and each consumer's checkpoint.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;

/// What the writer publishes after each commit.
pub(crate) struct Notifier {
    head: watch::Sender<u64>,
    checkpoints: Mutex<HashMap<String, watch::Sender<u64>>>,
}

impl Notifier {
    pub(crate) fn new(head: u64) -> Self {
        Self { head: watch::Sender::new(head), checkpoints: Mutex::new(HashMap::new()) }
    }

    pub(crate) fn publish_head(&self, head: u64) {
        self.head.send_if_modified(|current| {
            let advanced = head > *current;
            if advanced {
                *current = head;
            }
            advanced
        });
    }

    pub(crate) fn publish_checkpoint(&self, name: &str, position: u64) {
        self.checkpoint_sender(name, position).send_replace(position);
    }

    pub(crate) fn listen(&self) -> CommitListener {
        CommitListener { receiver: self.head.subscribe() }
    }

    pub(crate) fn listen_checkpoint(&self, name: &str, stored: u64) -> watch::Receiver<u64> {
        self.checkpoint_sender(name, stored).subscribe()
    }

    /// The last checkpoint of `name` published or listened for in this process, if any.
    pub(crate) fn published_checkpoint(&self, name: &str) -> Option<u64> {
        let senders = self.checkpoints.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        senders.get(name).map(|sender| *sender.borrow())
    }

    fn checkpoint_sender(&self, name: &str, initial: u64) -> watch::Sender<u64> {
        let mut senders = self.checkpoints.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        senders.entry(name.to_owned()).or_insert_with(|| watch::Sender::new(initial)).clone()
    }
}

/// Wakes a tailer after commits to the log.
#[derive(Clone)]
pub struct CommitListener {
    receiver: watch::Receiver<u64>,
}

impl CommitListener {
    /// The head position as last published by this process's writer.
    pub fn head(&self) -> u64 {
        *self.receiver.borrow()
    }

    /// Waits until this process commits past `position`, or `fallback` elapses (appends by
    /// another process on the same file are noticed by the caller's next read).
    pub async fn wait_beyond(&mut self, position: u64, fallback: Duration) {
        let wait = self.receiver.wait_for(|head| *head > position);
        let _ = tokio::time::timeout(fallback, wait).await;
    }
}
