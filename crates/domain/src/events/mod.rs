//! The events of SPEC §4: their stored type names, schema versions and data.
//!
//! Each stored event is a `type`, a `schema` number and JSON `data`. [`DomainEvent::decode`]
//! runs the upcasters of [`upcast`] first, so events written under an old schema stay readable.

mod catalogue;
mod contact;
mod deal;
mod hook;
mod pipeline;
mod source;
pub mod upcast;

pub use catalogue::{DecodeError, DomainEvent, EVENT_TYPES, current_schema};
pub use contact::*;
pub use deal::*;
pub use hook::*;
pub use pipeline::*;
pub use source::*;
