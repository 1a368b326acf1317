//! The append-only event log of SPEC §2.
//!
//! - [`EventLog`] is the contract; [`EventStore`] implements it over one SQLite file (WAL,
//!   `synchronous=FULL`, STRICT tables, triggers that reject UPDATE and DELETE) or one PostgreSQL
//!   database (the same tables and triggers), chosen by a [`Database`] setting.
//! - Writes run as units on a single writer thread ([`writer`](crate::writer)) that commits
//!   every unit waiting in one transaction: group commit, one fsync per batch. The one way in is
//!   [`EventStore::write`], a [`Write`] to await (or wait for) with an [`Isolation`]; the
//!   unit's own `Result<T, E>` comes back typed ([`unit`](crate::unit) carries it).
//! - A unit gets a [`Transaction`]: appends with optimistic concurrency and idempotent repeats,
//!   stream reads, id sequences, checkpoints, and the caller's own tables in the same commit.
//! - [`sql`] is the one statement API of every store ([`Db`](sql::Db)); the writer's batch
//!   starts and ends at the append point ([`append_point`]): SQLite's write lock, or
//!   PostgreSQL's `log_head` row, taken once per batch. On PostgreSQL, commits wake listeners in
//!   other processes through `LISTEN/NOTIFY` ([`pg`]).
//! - [`DirectConnection`] is a tool's own connection to a whole store, outside the pool and
//!   the writer (`dealflow store copy`).
//! - [`reader`] holds the queries; [`migrations`] applies the numbered SQL files;
//!   [`CommitListener`] wakes tailers after commits; [`consumer`] runs them from their checkpoints.

mod append;
mod append_point;
mod catch_up;
mod checkpointer;
mod connection;
pub mod consumer;
mod database;
mod direct;
mod error;
mod lease;
mod log;
pub mod migrations;
mod model;
mod notify;
mod pg;
pub mod reader;
mod readers;
mod rows;
mod sequences;
mod session;
pub mod sql;
mod stream_versions;
mod transaction;
mod unit;
mod write;
mod writer;

pub use catch_up::CatchUp;
pub use connection::open_connection;
pub use database::Database;
pub use direct::DirectConnection;
pub use error::{AppendError, StorageError};
pub use lease::Lease;
pub use log::{EventLog, EventStore, LogSettings};
pub use migrations::Migration;
pub use model::{Appended, EventFilter, ExpectedVersion, InvalidEvent, NewEvent, RecordedEvent};
pub use notify::CommitListener;
pub use rows::{from_micros, to_micros};
pub use transaction::{Transaction, TxIds};
pub use unit::Isolation;
pub use write::{PendingWrite, Write};
