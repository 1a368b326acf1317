//! The signed inbound endpoint of SPEC §5:
//! `POST /deal-flow/settings/inbound-webhooks/{sourceId}/receive`.
//!
//! Order of work: find the source (404/403), cap the body (413), verify the signature over the
//! raw bytes in constant time (403), undo a `Content-Encoding` under the cap (415/413/400) and
//! skip a byte-order mark, parse (400) and validate (422), then one write unit decides and
//! appends; the answer is sent once the events are durable and the read models show them.

mod body;
mod encoding;
mod idempotency;
pub mod payload;
pub mod route;
mod unit;

pub use idempotency::purge as purge_expired;
pub use payload::InboundPayload;
