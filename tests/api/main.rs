//! End-to-end tests: each starts the real application on port 0 with a fresh SQLite file in a
//! temporary directory and talks HTTP to it.

mod helpers;

mod access;
mod contacts;
mod deals;
mod health;
mod history;
mod hooks;
mod inbound;
mod pipelines;
mod replay;
mod sources;
