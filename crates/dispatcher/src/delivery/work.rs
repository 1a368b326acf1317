//! What a hook's turn works with, shared by the lane that runs it, the claim that fills it and
//! the settling that closes it: the lanes' context, who claims, the claimed deliveries, and the
//! turn's outcome.

use std::collections::HashSet;
use std::time::Instant;

use chrono::{DateTime, Utc};
use domain::secrets::SecretBox;
use eventlog::EventStore;

use super::client::Sender;
use super::failure::Failure;
use super::pacer::Pacers;
use super::queue;
use super::settings::{DeliverySettings, QueueMode};
use super::state::HookState;
use crate::hooks::Hook;

/// What every lane shares.
pub struct Context {
    pub log: EventStore,
    pub sender: Sender,
    /// Opens and seals hook secrets.
    pub secrets: SecretBox,
    /// The configuration's settings, until the API stores its own.
    pub defaults: DeliverySettings,
    /// This process's name on the leases it takes.
    pub owner: String,
    /// How long a hook may fail without a single success before it is unpublished.
    pub unpublish_after: chrono::Duration,
    /// The hooks' `rateLimit`s.
    pub pacers: Pacers,
}

/// Who claims. In queue mode only the dispatch job sends; the settings are read at every claim,
/// so a mode change reaches a lane that is busy sending at its very next claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claimant {
    /// A lane of immediate mode, sending as events commit.
    ImmediateLane,
    /// The dispatch job (`dealflow dispatch`, or `serve` on `dispatch_schedule`): sends in any mode.
    DispatchJob,
}

impl Claimant {
    /// Whether this claimant may send now under `mode`.
    pub fn sends_in(self, mode: QueueMode) -> bool {
        self == Self::DispatchJob || mode == QueueMode::Immediate
    }
}

/// What a turn came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Turn {
    /// Nothing to send: no pending items, or the hook is not live.
    Idle,
    /// The queue mode holds the hook's items for the dispatch job (the claimant is a lane).
    Held,
    /// Every delivery sent succeeded; more items may be waiting.
    Delivered { deliveries: usize, events: usize },
    /// A delivery failed after `delivered` others succeeded.
    Failed { delivered: usize, failure: Option<Failure> },
    /// The delivery being retried is not due before `until`.
    Waiting { until: DateTime<Utc> },
    /// Another dispatch job holds the hook's lease, until this time.
    Leased { until: DateTime<Utc> },
}

/// Items sent together under one `webhook-id`.
pub struct Delivery {
    pub id: String,
    pub items: Vec<queue::Item>,
}

/// Claimed deliveries, ready to send.
pub struct Work {
    pub hook: Hook,
    pub settings: DeliverySettings,
    pub state: HookState,
    pub deliveries: Vec<Delivery>,
    /// When the lease taken with them runs out (no send starts that could outlast it).
    pub lease_until: Instant,
}

impl Work {
    /// The ids of every claimed item.
    pub fn item_ids(&self) -> HashSet<u64> {
        self.deliveries.iter().flat_map(|d| d.items.iter().map(|item| item.id)).collect()
    }

    pub(super) fn events(&self) -> usize {
        self.deliveries.iter().map(|d| d.items.len()).sum()
    }
}
