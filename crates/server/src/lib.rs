//! The `dealflow` binary's library: everything `main` and the end-to-end tests assemble.
//!
//! - [`settings`]: `dealflow.toml` and `DEALFLOW_*` variables.
//! - [`startup`]: [`Application::build`] opens the log, bootstraps, binds and assembles HTTP.
//! - [`auth`]: users, roles, Basic/Bearer authentication, the first-start admin.
//! - [`http`]: health, readiness, metrics, conventions middleware, the current user.
//! - [`cli`]: the subcommands of `dealflow`; [`store_copy`]: `dealflow store copy`, moving a
//!   whole store to another database.
//! - [`openapi`]: the OpenAPI 3.1 document of the HTTP API (`GET /api/openapi.json`).

pub mod auth;
pub mod bootstrap;
pub mod cli;
pub mod console;
pub mod database;
pub mod http;
pub mod migrations;
pub mod openapi;
mod private_file;
pub mod settings;
pub mod startup;
pub mod store_copy;
pub mod supervisor;
pub mod telemetry;
mod validation;

pub use settings::Settings;
pub use startup::Application;
