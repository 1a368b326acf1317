//! `GET /board/live?after=N`: server-sent events that tell an open board the read models have
//! moved past position `N` (the projector's checkpoint the page was drawn at), so the page
//! fetches itself again and swaps the board in without a reload. It waits with
//! `wait_for_checkpoint`, which the projector's published checkpoints wake (it also re-reads the
//! checkpoint every 100 ms, for a projector in another process).
//!
//! Each answer lives at most [`LIVE_FOR`], so that a graceful stop of the server never waits
//! long on an open tab; the page then connects again with its latest position. Without JavaScript or
//! `EventSource`, the board is simply refreshed by hand.

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::web::{self, Bytes, Data, Query};
use api::{ApiError, ListParams};
use console::{PageError, Session};
use eventlog::{EventStore, StorageError, reader};
use futures::stream::{self, StreamExt};
use tokio::time::Instant;

/// How long one event stream stays open.
pub const LIVE_FOR: Duration = Duration::from_secs(10);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/board/live", web::get().to(live));
}

/// The projector's checkpoint: the position every page shows the read models at.
pub async fn position(log: &EventStore) -> Result<u64, ApiError> {
    Ok(log.read_async(|conn| reader::checkpoint(conn, projection::CONSUMER)).await?)
}

async fn live(
    log: Data<EventStore>,
    _: Session,
    query: Query<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let after = ListParams::new(query.into_inner()).parsed::<u64>("after", "a log position")?.unwrap_or(0);
    let deadline = Instant::now() + LIVE_FOR;
    let log = log.into_inner();
    // `retry`: how long the browser waits before it connects again after the stream ends.
    let opening = stream::once(async { Ok::<_, StorageError>(Bytes::from_static(b"retry: 1000\n\n")) });
    let changes = stream::unfold(after, move |after| {
        let log = log.clone();
        async move {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() || !log.wait_for_checkpoint(projection::CONSUMER, after + 1, remaining).await {
                return None;
            }
            let reached = match position(&log).await {
                Ok(reached) => reached.max(after + 1),
                Err(_) => return None,
            };
            Some((Ok(Bytes::from(format!("event: changed\ndata: {reached}\n\n"))), reached))
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/event-stream"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(opening.chain(changes)))
}
