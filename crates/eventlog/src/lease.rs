//! Leases: at most one process holds a named role at a time, on either store. The holder renews
//! its lease well before it runs out; a holder that dies stops renewing, and a standby takes the
//! role over once the lease has run out. Time is the writer's clock (`recorded_at`), which on
//! PostgreSQL never runs behind the last commit of any node.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::sql::Optional;
use crate::{EventStore, StorageError};

/// One process's claim on a named role.
#[derive(Clone)]
pub struct Lease {
    name: &'static str,
    owner: String,
    ttl: Duration,
    held: Arc<AtomicBool>,
}

impl Lease {
    /// A lease on `name` for this process, running out `ttl` after each renewal.
    pub fn new(name: &'static str, ttl: Duration) -> Self {
        let owner = format!("{}-{}", std::process::id(), uuid::Uuid::now_v7().simple());
        Self { name, owner, ttl, held: Arc::default() }
    }

    /// The role's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Whether this process held the lease at its last take.
    pub fn is_held(&self) -> bool {
        self.held.load(Ordering::SeqCst)
    }

    /// How often the holder renews and a standby tries: a third of the lease.
    pub fn retry_every(&self) -> Duration {
        self.ttl / 3
    }

    /// Takes the lease if it is free or has run out, or renews it if it is ours; answers whether
    /// this process holds it now.
    pub async fn take(&self, store: &EventStore) -> Result<bool, StorageError> {
        let (name, owner) = (self.name, self.owner.clone());
        let ttl = i64::try_from(self.ttl.as_micros()).unwrap_or(i64::MAX);
        let held = store
            .write(move |tx| {
                let now = tx.recorded_at().timestamp_micros();
                tx.sql().execute(
                    "INSERT INTO leases (name, owner, until) VALUES (?1, ?2, ?3)
                     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
                     WHERE leases.owner = excluded.owner OR leases.until < ?4",
                    (name, &owner, now.saturating_add(ttl), now),
                )?;
                let holder: Option<String> = tx
                    .sql()
                    .query_row("SELECT owner FROM leases WHERE name = ?1", [name], |row| row.get(0))
                    .optional()?;
                Ok::<_, StorageError>(holder.as_deref() == Some(owner.as_str()))
            })
            .await?;
        self.held.store(held, Ordering::SeqCst);
        Ok(held)
    }

    /// Gives the lease up at once (a clean shutdown), so that a standby need not wait it out.
    pub async fn release(&self, store: &EventStore) {
        let (name, owner) = (self.name, self.owner.clone());
        let released = store
            .write(move |tx| {
                tx.sql().execute("DELETE FROM leases WHERE name = ?1 AND owner = ?2", (name, &owner))?;
                Ok::<_, StorageError>(())
            })
            .await;
        if let Err(error) = released {
            tracing::warn!(%error, lease = name, "could not release a lease; it runs out by itself");
        }
        self.held.store(false, Ordering::SeqCst);
    }

    /// Waits until this process holds the lease, trying every [`Lease::retry_every`].
    pub async fn acquire(&self, store: &EventStore) {
        loop {
            match self.take(store).await {
                Ok(true) => return,
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, lease = self.name, "could not take a lease; trying again"),
            }
            tokio::time::sleep(self.retry_every()).await;
        }
    }

    /// Renews the lease every [`Lease::retry_every`]; returns when it was lost (another process
    /// holds it, or it could not be renewed in time).
    pub async fn keep(&self, store: &EventStore) {
        loop {
            tokio::time::sleep(self.retry_every()).await;
            match self.take(store).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => {
                    tracing::warn!(%error, lease = self.name, "could not renew a lease; giving the role up");
                    self.held.store(false, Ordering::SeqCst);
                    return;
                }
            }
        }
    }
}
