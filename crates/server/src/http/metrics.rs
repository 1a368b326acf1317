//! `GET /metrics` in the Prometheus text format, and the per-request metrics middleware.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use eventlog::{EventLog, EventStore};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// The process-wide recorder (installed once; tests start many applications in one process).
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        const SECONDS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
        const SIZES: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0];
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("seconds".into()), SECONDS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Suffix("batch_size".into()), SIZES));
        match builder.and_then(|b| b.install_recorder()) {
            Ok(handle) => handle,
            Err(error) => {
                tracing::warn!(%error, "metrics recorder unavailable; /metrics will be empty");
                PrometheusBuilder::new().build_recorder().handle()
            }
        }
    })
}

/// Drains recorded histogram samples into their buckets every few seconds. Without it the
/// exporter keeps every raw sample until a scrape (it runs no upkeep of its own when installed
/// without its HTTP listener), so memory would grow with traffic between scrapes.
pub async fn run_upkeep() {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        every.tick().await;
        recorder().run_upkeep();
    }
}

/// `GET /metrics`: refreshes the log gauges, then renders everything recorded.
pub async fn render(log: web::Data<EventStore>) -> HttpResponse {
    let log = log.into_inner();
    let _ = web::block(move || refresh_log_gauges(&log)).await;
    HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(recorder().render())
}

fn refresh_log_gauges(log: &EventStore) {
    let Ok(head) = log.head() else { return };
    metrics::gauge!("dealflow_log_head_position").set(head as f64);
    if let Ok((pending, failed)) =
        log.read(|conn| Ok::<_, eventlog::StorageError>(dispatcher::delivery::queue::totals(conn)?))
    {
        metrics::gauge!("dealflow_delivery_queue_depth", "status" => "pending").set(pending as f64);
        metrics::gauge!("dealflow_delivery_queue_depth", "status" => "failed").set(failed as f64);
    }
    refresh_hook_gauges(log);
    if let Ok(consumers) = super::health::consumer_positions(log) {
        for (name, position) in consumers {
            metrics::gauge!("dealflow_consumer_lag_events", "consumer" => name)
                .set(head.saturating_sub(position) as f64);
        }
    }
}

/// Per hook: the pending events and the oldest one's age, so that a hook whose backlog grows
/// (an ordered hook bound by its receiver's round trip) shows. A hook that emptied its queue
/// since the last scrape reads 0.
fn refresh_hook_gauges(log: &EventStore) {
    use dispatcher::delivery::backlog;
    static SEEN: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());
    let Ok(backlogs) = log.read(|conn| Ok::<_, eventlog::StorageError>(backlog::all(conn)?)) else { return };
    let now = chrono::Utc::now();
    let mut seen = SEEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for hook in seen.iter().filter(|hook| !backlogs.keys().any(|id| id.0 == **hook)) {
        metrics::gauge!("dealflow_hook_pending_events", "hook_id" => hook.to_string()).set(0.0);
        metrics::gauge!("dealflow_hook_oldest_pending_seconds", "hook_id" => hook.to_string()).set(0.0);
    }
    seen.clear();
    for (hook, backlog) in backlogs {
        let age = backlog.oldest_at.map_or(0.0, |at| (now - at).num_milliseconds().max(0) as f64 / 1000.0);
        metrics::gauge!("dealflow_hook_pending_events", "hook_id" => hook.to_string()).set(backlog.pending as f64);
        metrics::gauge!("dealflow_hook_oldest_pending_seconds", "hook_id" => hook.to_string()).set(age);
        seen.push(hook.0);
    }
}

/// Counts requests and times them by method, route pattern and status.
pub async fn record_request(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let response = next.call(req).await?;
    let request = response.request();
    let key = (
        request.method().clone(),
        request.match_pattern().unwrap_or_else(|| "unmatched".to_owned()),
        response.status().as_u16(),
    );
    let (count, duration) = request_metrics(key);
    count.increment(1);
    duration.record(started.elapsed().as_secs_f64());
    Ok(response)
}

type RequestKey = (actix_web::http::Method, String, u16);

/// The handles of one (method, route, status), looked up in the registry once per worker thread:
/// building labels and finding the handle on every request cost more than the rest of the
/// middleware stack.
fn request_metrics(key: RequestKey) -> (metrics::Counter, metrics::Histogram) {
    thread_local! {
        static HANDLES: RefCell<HashMap<RequestKey, (metrics::Counter, metrics::Histogram)>> = RefCell::new(HashMap::new());
    }
    HANDLES.with(|handles| {
        handles
            .borrow_mut()
            .entry(key)
            .or_insert_with_key(|(method, route, status)| {
                let (method, route) = (method.to_string(), route.clone());
                (
                    metrics::counter!("dealflow_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status.to_string()),
                    metrics::histogram!("dealflow_http_request_duration_seconds", "method" => method, "route" => route),
                )
            })
            .clone()
    })
}
