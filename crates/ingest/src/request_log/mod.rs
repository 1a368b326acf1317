//! The request log of each inbound source (issue 11): one row per request that reached a known
//! source, in its own table beside the event log. A row keeps the answer's status, what the
//! request came to, why, the body's size, the idempotency key and the deal touched; never the
//! body or the signature.
//!
//! - Requests that the write unit answered (created, updated, replayed) are recorded inside that
//!   unit ([`store::insert`]), in the same transaction as their events: no extra round trip.
//! - Every other answer (403, 413, 415, 400, 422, 5xx) is classified ([`classify`]) by the
//!   middleware around the endpoint ([`recorder::record`]) and inserted in batches off the
//!   request's path ([`RequestLog`]).
//! - Housekeeping prunes rows by age and count per source ([`store::prune`]).

pub mod classify;
mod recorder;
pub mod routes;
pub mod row;
pub mod store;

pub use recorder::{BodySize, RecordedInUnit, RequestLog, record};
pub use row::{Entry, Outcome, RequestRow, StatusFilter};
