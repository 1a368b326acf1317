//! Reads of the read models (never of the log, except `asOf` and history, which are folds and
//! reads of the log by definition).

pub mod board_currencies;
pub mod contacts;
pub mod deal_filters;
pub mod deals;
pub mod pipelines;
mod rows;
