//! End-to-end tests: each starts the real application on port 0 with a fresh SQLite file in a
//! temporary directory and talks HTTP to it.

mod helpers;
mod receiver;

mod access;
mod bodies;
mod contacts;
mod crash;
mod deals;
mod delivery;
mod delivery_ops;
mod doc_blocks;
mod doc_links;
mod doc_session;
mod documented_commands;
mod health;
mod history;
mod hook_targets;
mod hooks;
mod hooks_listing;
mod hooks_php_client;
mod inbound;
mod inbound_body;
mod inbound_reads;
mod large_ids;
mod nesting;
mod payloads;
mod pipelines;
mod replay;
mod request_log;
mod request_log_cli;
mod retries;
mod sources;
