//! dealflow's pure core. Nothing here does I/O: decisions take state, input and an id
//! allocator, and return events.
//!
//! - [`ids`]: integer ids and stream names (`deal-42`).
//! - [`values`]: parsed input values (amounts, currencies, emails, titles, custom fields).
//! - [`events`]: every stored event type with its schema version, and the upcasters.
//! - [`metadata`], [`context`]: who caused an event; what folds know of a stored event.
//! - [`pipeline`], [`deal`], [`contact`]: state folded from a stream, and the decisions.
//! - [`signature`]: the inbound signature schemes (verify and sign) and outbound signing.
//! - [`mapping`]: inbound mappings and presets: a sender's body to SPEC §5's payload.
//! - [`secrets`]: the box that seals source and hook secrets at rest.
//! - [`clip`]: shortening notes, reasons and quoted input at a word boundary, with an ellipsis.

pub mod clip;
pub mod contact;
pub mod context;
pub mod deal;
pub mod events;
pub mod ids;
pub mod mapping;
pub mod metadata;
pub mod pipeline;
pub mod secrets;
pub mod signature;
pub mod values;

pub use context::EventContext;
pub use events::DomainEvent;
pub use metadata::{Actor, ActorKind, Metadata};

#[cfg(test)]
mod tests;
