//! The signed inbound endpoint of SPEC §5:
//! `POST /deal-flow/settings/inbound-webhooks/{sourceId}/receive`.
//!
//! Order of work: find the source (404/403), cap the body (413), verify the source's signature
//! scheme over the raw bytes in constant time (403, [`verify`]), undo a `Content-Encoding` under
//! the cap (415/413/400) and skip a byte-order mark, then ([`prepare`], shared with the mapping
//! preview) read JSON or a form (400), apply the source's mapping and validate (422), then one
//! write unit ([`unit`]) looks up the deal, its target ([`target`]) and contact, decides with
//! `domain::deal::decide_inbound` and appends; it answers an [`outcome`] from which the route
//! picks the status and body, sent once the events are durable and the read models show them.

mod body;
mod delivery_id;
mod encoding;
mod idempotency;
mod outcome;
/// Public for the `inbound_payload` fuzz target (`fuzz/`): the body read into an object.
pub mod parse;
pub mod payload;
mod prepare;
pub mod preview;
pub mod route;
mod target;
mod unit;
mod verify;

pub use idempotency::purge as purge_expired;
pub use payload::InboundPayload;
