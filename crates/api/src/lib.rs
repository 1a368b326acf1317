//! HTTP conventions shared by the feature crates, so that every route answers alike.
//!
//! - [`command`]: [`CommandError`], why a write unit refused a command.
//! - [`error`]: [`ApiError`], the `{"errors": [...]}` body of SPEC §9 for every failure.
//! - [`principal`]: the authenticated user (set by the server's auth middleware) and the
//!   [`Authenticated`] / [`Admin`] extractors.
//! - [`request`]: the request id every answer echoes and every event records.
//! - [`body`]: the one body reader: JSON (whatever its label) or a PHP form, bounded.
//! - [`limits`]: nesting, size and id-range bounds for everything read from outside.
//! - [`versions`]: `If-Match` and `ETag` for optimistic concurrency.
//! - [`listing`]: list parameters (`start`, `limit`, `orderBy`, `orderByDir`, filters).
//! - [`fields`]: typed fields read out of a JSON object, every problem recorded by name.

pub mod body;
pub mod command;
pub mod error;
pub mod fields;
pub mod limits;
pub mod listing;
pub mod nul;
pub mod principal;
pub mod request;
pub mod versions;

pub use body::{BodyValue, JsonBody, ObjectBody, OptionalObjectBody, RawBody, parse_json_object};
pub use command::CommandError;
pub use error::ApiError;
pub use fields::{Fields, path_id};
pub use listing::{ListParams, Order, Page};
pub use listquery::like_pattern;
pub use principal::{Admin, Authenticated, Principal, Role};
pub use request::RequestId;
pub use versions::{etag, if_match};
