//! `GET /contacts`: search and paging as `GET /api/contacts` reads them (the same parser and
//! query). `GET /contacts/{id}`: the contact, as `GET /api/contacts/{id}`, and its deals, as
//! `GET /api/deals?contact_id=` lists them.

use actix_web::HttpResponse;
use actix_web::web::{self, Data, Path, Query};
use api::{ApiError, ListParams, Order, Page, path_id};
use console::{PageError, Pages, Session};
use domain::ids::ContactId;
use eventlog::{EventStore, StorageError};
use projection::queries::contacts::{self, ORDER_COLUMNS};
use projection::queries::deals::{self, DealFilters};
use serde_json::json;

use super::forms::with_layout;
use super::pager::{paged, pager};

/// Contacts per page unless `limit` says otherwise, and the most a page shows.
const PAGE: (u64, u64) = (30, 100);
/// Deals shown on a contact's page; the rest are behind its link to the deals list.
const DEALS: u64 = 50;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/contacts", web::get().to(list)).route("/contacts/{id}", web::get().to(show));
}

async fn list(
    log: Data<EventStore>,
    session: Session,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let params = ListParams::new(query.into_inner());
    let page = params.page(PAGE.0, PAGE.1)?;
    let order = params.order(ORDER_COLUMNS, "id")?;
    let search = params.get("search").map(str::to_owned);
    let (total, found) = log
        .read_async(move |conn| Ok::<_, StorageError>(contacts::list(conn, search.as_deref(), order, page)?))
        .await
        .map_err(ApiError::from)?;
    let shown = found.len() as u64;
    let pager = pager("/contacts", params.pairs(), page, shown, total);
    let page =
        paged(json!({ "contacts": found, "total": total, "search": params.get("search").unwrap_or_default() }), pager);
    Pages::get().render("contacts.html", with_layout(&session, "contacts", page))
}

async fn show(log: Data<EventStore>, session: Session, id: Path<String>) -> Result<HttpResponse, PageError> {
    let id: ContactId = path_id(&id)?;
    let (contact, total, found) = log
        .read_async(move |conn| {
            let contact = contacts::find(conn, id)?;
            let filters = DealFilters { contact_id: Some(id), ..Default::default() };
            let order = Order { column: "d.updated_at", descending: true };
            let (total, found) = deals::list(conn, &filters, order, Page { start: 0, limit: DEALS })?;
            Ok::<_, StorageError>((contact, total, found))
        })
        .await
        .map_err(ApiError::from)?;
    let contact = contact.ok_or_else(|| ApiError::not_found(format!("contact {id} does not exist")))?;
    let page = json!({
        "contact": contact, "deals": found, "total": total,
        "more": (total > DEALS).then(|| format!("/deals?contact_id={id}")),
    });
    Pages::get().render("contact.html", with_layout(&session, "contacts", page))
}
