//! Every HTTP route of the dispatcher, registered in one place ([`configure`]): Mautic's
//! `/api/hooks…` contract, delivery's per-hook routes, the webhook settings and the categories.
//! Routes parse the request at the edge and call `hooks` (hook commands and store) and
//! `delivery` (engine, log, test, replay); neither of those knows the routes.
//!
//! - [`hooks`]: list, triggers, get, create, PUT/PATCH and delete of one hook;
//! - [`batch`]: the batch endpoints;
//! - [`delivery`]: `/settings/webhooks` and per hook `/logs`, `/test`, `/replay`;
//! - [`edits`]: a hook edit read at the edge (the web console's hook form uses it too);
//! - [`answers`]: answer shapes that keep their keys in order.

pub mod answers;
mod batch;
mod delivery;
pub mod edits;
mod hooks;

use actix_web::web::ServiceConfig;

/// Registers every route inside the authenticated `/api` scope. Fixed paths come before
/// `/hooks/{id}…`, which would take `batch` for an id.
pub fn configure(cfg: &mut ServiceConfig) {
    delivery::configure(cfg);
    hooks::configure(cfg);
    batch::configure(cfg);
    hooks::configure_by_id(cfg);
    crate::hooks::categories::configure(cfg);
}
