//! Outbound delivery (SPEC §7): matching committed events to hooks, the queue, signed requests,
//! retries, the delivery log, and the routes that show and steer them.
//!
//! - [`matcher`] records a pending item per (event, hook, trigger) with its checkpoint;
//! - [`lane`] and `settle` send a hook's queue in order under a lease;
//! - [`engine`] runs both: immediately as events commit, or as a cron-scheduled dispatch job;
//! - [`commands`] holds what the routes and the web console both call (log, test send, settings).

pub mod attempts;
mod claim;
mod client;
pub mod commands;
pub mod engine;
pub mod failure;
mod folds;
pub mod lane;
pub mod log_query;
pub mod matcher;
mod mautic_contact;
mod money;
mod payload;
pub mod queue;
pub mod replay;
mod report;
mod routes;
mod sample;
mod sample_data;
pub mod schedule;
pub mod settings;
mod settle;
mod slack;
pub mod state;
pub mod work;

pub use client::{Answer, Sender};
pub use engine::Engine;
pub use failure::{Failure, Next};
pub use report::{Lease, Report, Waiting};
pub use routes::configure;
pub use settings::{DeliverySettings, QueueMode};
