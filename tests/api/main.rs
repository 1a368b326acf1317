//! End-to-end tests: each starts the real application on port 0 with a fresh SQLite file in a
//! temporary directory and talks HTTP to it.

mod helpers;
mod receiver;

mod access;
mod contacts;
mod crash;
mod deals;
mod delivery;
mod delivery_ops;
mod health;
mod history;
mod hooks;
mod hooks_listing;
mod hooks_php_client;
mod inbound;
mod inbound_body;
mod inbound_reads;
mod pipelines;
mod replay;
mod retries;
mod sources;
