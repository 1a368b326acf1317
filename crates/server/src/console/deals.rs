//! `GET /deals`: search, filters and paging as `GET /api/deals` reads them (the same parser),
//! one page at a time. The deal page is [`super::deal`].

use actix_web::HttpResponse;
use actix_web::web::{self, Data, Query};
use api::{ApiError, ListParams};
use console::{PageError, Pages, Session};
use eventlog::{EventStore, StorageError};
use projection::queries::{deals, pipelines};
use serde_json::json;

use super::forms::with_layout;
use super::pager::{paged, pager};

/// Deals per page unless `limit` says otherwise, and the most a page shows.
const PAGE: (u64, u64) = (30, 100);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/deals", web::get().to(list));
}

async fn list(
    log: Data<EventStore>,
    session: Session,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let params = ListParams::new(query.into_inner());
    let page = params.page(PAGE.0, PAGE.1)?;
    let order = params.order(deals::ORDER_COLUMNS, "d.id")?;
    let filters = projection::deal_filters(&params)?;
    let (total, found, all) = log
        .read_async(move |conn| {
            let (total, found) = deals::list(conn, &filters, order, page)?;
            Ok::<_, StorageError>((total, found, pipelines::list(conn)?))
        })
        .await
        .map_err(ApiError::from)?;
    let echo = |name: &str| params.get(name).unwrap_or_default().to_owned();
    let filters = json!({
        "search": echo("search"), "status": echo("status"), "pipeline_id": echo("pipeline_id"), "stage_id": echo("stage_id"),
    });
    let shown = found.len() as u64;
    let pager = pager("/deals", params.pairs(), page, shown, total);
    let page = paged(json!({ "deals": found, "total": total, "pipelines": all, "filters": filters }), pager);
    Pages::get().render("deals.html", with_layout(&session, "deals", page))
}
