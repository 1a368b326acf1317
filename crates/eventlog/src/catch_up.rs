//! Read-your-writes (SPEC §6): after a write, wait (bounded) until a consumer — the read models —
//! has processed it, so that a following read shows the change.

use std::time::Duration;

use crate::EventStore;

/// Waits until one consumer's checkpoint reaches a position, at most a timeout. Every handler
/// that answers after a write shares it (the admin commands, the inbound endpoint); they meet
/// here, in the log, without knowing the consumer. Cheap to clone.
#[derive(Clone)]
pub struct CatchUp {
    log: EventStore,
    consumer: &'static str,
    timeout: Duration,
}

impl CatchUp {
    /// Waits for the checkpoint named `consumer`, at most `timeout` per write.
    pub fn new(log: EventStore, consumer: &'static str, timeout: Duration) -> Self {
        Self { log, consumer, timeout }
    }

    /// Waits until the consumer has processed `position`; answers whether it has. A wait that
    /// runs out is logged, and the caller answers from what the read models hold.
    pub async fn wait(&self, position: u64) -> bool {
        let reached = self.log.wait_for_checkpoint(self.consumer, position, self.timeout).await;
        if !reached {
            tracing::warn!(
                position,
                consumer = self.consumer,
                timeout_ms = self.timeout.as_millis(),
                "the read models did not catch up in time; answering from what they hold"
            );
        }
        reached
    }
}
