//! What only PostgreSQL needs beside the shared store code: [`listener`] turns `LISTEN/NOTIFY`
//! (and a backstop poll) into [`CommitListener`](crate::CommitListener) wake-ups from other
//! processes, and [`off_runtime`] keeps the synchronous client off async threads.

mod blocking;
pub(crate) mod listener;

pub(crate) use blocking::off_runtime;
