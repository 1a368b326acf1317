//! `GET /hooks/{id}/logs/live?after=N`: server-sent events that tell an open delivery log a newer
//! attempt than `N` (the newest attempt id the page was drawn with) was logged, so the page
//! fetches itself again and swaps its list in without a reload. Attempts are not log events:
//! the stream wakes on the log's commit notifications (a new event is soon a new delivery) and
//! otherwise reads the newest attempt id every [`RECHECK`]. Like the board's stream, each answer
//! lives at most [`LIVE_FOR`](crate::console::live::LIVE_FOR); without JavaScript the page is
//! refreshed by hand.

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::web::{self, Bytes, Data, Path, Query};
use api::{ApiError, ListParams, Page, path_id};
use console::{PageError, Session};
use dispatcher::delivery::attempts;
use dispatcher::delivery::log_query::LogQuery;
use domain::ids::HookId;
use eventlog::{EventLog, EventStore, StorageError};
use futures::stream::{self, StreamExt};
use tokio::time::Instant;

use crate::console::live::LIVE_FOR;

/// How often the stream reads the newest attempt id when no commit woke it.
const RECHECK: Duration = Duration::from_millis(250);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/hooks/{id}/logs/live", web::get().to(live));
}

/// The id of the hook's newest logged attempt (0 when none), read with the log's own query.
pub async fn newest_attempt(log: &EventStore, id: HookId) -> Result<u64, ApiError> {
    let newest = LogQuery { status: None, since: None, until: None, page: Page { start: 0, limit: 1 } };
    let (_, entries) = log.read_async(move |conn| Ok::<_, StorageError>(attempts::logs(conn, id, &newest)?)).await?;
    Ok(entries.first().map_or(0, |entry| entry.id))
}

async fn live(
    log: Data<EventStore>,
    _: Session,
    id: Path<String>,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let id: HookId = path_id(&id)?;
    let after = ListParams::new(query.into_inner()).parsed::<u64>("after", "an attempt id")?.unwrap_or(0);
    let deadline = Instant::now() + LIVE_FOR;
    let log = log.into_inner();
    let commits = log.subscribe();
    let opening = stream::once(async { Ok::<_, ApiError>(Bytes::from_static(b"retry: 1000\n\n")) });
    let changes = stream::unfold((after, commits), move |(after, mut commits)| {
        let log = log.clone();
        async move {
            loop {
                let remaining = deadline.saturating_duration_since(Instant::now());
                if remaining.is_zero() {
                    return None;
                }
                let newest = newest_attempt(&log, id).await.ok()?;
                if newest > after {
                    let event = Bytes::from(format!("event: changed\ndata: {newest}\n\n"));
                    return Some((Ok(event), (newest, commits)));
                }
                let head = commits.head();
                commits.wait_beyond(head, RECHECK.min(remaining)).await;
            }
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/event-stream"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(opening.chain(changes)))
}
