//! A console form sent with the version of a record that someone changed since the page was
//! drawn. The commands answer it with the API's 409 ("… as If-Match says; read it again and
//! retry"), which speaks to API clients; the console instead shows the record as it is now with
//! a plain message. Every console write that sends a version asks here.
//!
//! The deal and pipeline commands answer 409 only for a stale `If-Match` (their other refusals
//! are 404 and 422), so the status alone names the kind.

use actix_web::http::StatusCode;
use api::ApiError;

/// The query flag a redirect after a stale form carries (`?stale=1`, or the deal's id on the
/// board), read by the page to show [`message`].
pub const FLAG: &str = "stale";

/// Whether a command's refusal is a stale version.
pub fn is_stale(error: &ApiError) -> bool {
    error.status == StatusCode::CONFLICT
}

/// What the console says about a stale form on a record of kind `what` (`deal`, `pipeline`).
pub fn message(what: &str) -> String {
    format!("Someone changed this {what} since you opened it; it is shown as it is now — try again.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_conflict_is_a_stale_version_and_it_is_said_plainly() {
        let stale = ApiError::conflict("deal 1 is at version 3, not 2 as If-Match says; read it again and retry");
        assert!(is_stale(&stale));
        assert!(!is_stale(&ApiError::not_found("deal 1 does not exist")));
        assert!(!is_stale(&ApiError::bad_field("version", "must be a deal version number")));
        let said = message("deal");
        assert!(said.starts_with("Someone changed this deal since you opened it") && !said.contains("If-Match"));
    }
}
