//! Outbound delivery (SPEC §7): matching committed events to hooks, the queue, signed requests,
//! retries, the delivery log, and the routes that show and steer them.
//!
//! - [`matcher`] records a pending item per (event, hook, trigger) with its checkpoint;
//! - [`lane`] runs a hook's turn: `claim` under a lease, `send` (in order, or through a `window`
//!   of up to the hook's `maxInFlight` requests that `window_plan` steers, at the `rateLimit` of
//!   [`pacer`]), then the pure [`settlement`] decides and `settle` writes it, in the write units
//!   of `units`; [`work`] holds their shared types;
//! - [`engine`] runs lanes: immediately as events commit, or as a cron-scheduled dispatch job;
//! - [`commands`] holds what the routes and the web console both call (log, test send, settings);
//! - [`health`] reads a hook's health from the queue, its [`backlog`] and its [`state`].

pub mod attempts;
pub mod backlog;
mod claim;
mod client;
pub mod commands;
pub mod engine;
pub mod error;
pub mod failure;
#[cfg(test)]
mod fixtures;
mod folds;
pub mod health;
pub mod lane;
pub mod log_query;
pub mod matcher;
mod mautic_contact;
mod money;
pub mod pacer;
mod payload;
pub mod queue;
pub mod replay;
mod report;
mod sample;
mod sample_data;
pub mod schedule;
mod send;
pub mod settings;
mod settle;
pub mod settlement;
mod slack;
pub mod state;
mod units;
mod window;
mod window_chunks;
mod window_plan;
pub mod work;

pub use client::{Answer, Sender};
pub use engine::Engine;
pub use error::DeliveryError;
pub use failure::{Failure, Next};
pub use report::{Lease, Report, Waiting};
pub use settings::{DeliverySettings, QueueMode};
