//! HTTP pieces that belong to no feature: conventions middleware, health, metrics, the
//! current user, and the JSON answers for unknown routes and bad extractor input.

pub mod bounds;
pub mod commands;
pub mod conventions;
pub mod health;
pub mod metrics;
pub mod query_params;
pub mod request_span;
pub mod user_admin;
pub mod users;
