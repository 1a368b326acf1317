//! `dealflow dispatch [--hook-id N] [--limit N]`: the queue, sent once. It may run while `serve`
//! runs on the same database: each hook is leased while its deliveries are in flight, and a hook
//! another job is sending is skipped (and said so). Exits non-zero when a delivery failed, so
//! that cron mails the output. A failing hook whose retry is not due yet is named with the time
//! of its next attempt and its last reason, but exits 0: nothing failed in this run, and the run
//! in which it failed already exited non-zero.

use chrono::SecondsFormat;
use clap::Args;
use dispatcher::delivery::{Report, Waiting};
use domain::ids::HookId;

use crate::database::open_existing;
use crate::settings::Settings;
use crate::startup::dispatcher_engine;

/// Which queue to send.
#[derive(Debug, Args)]
pub struct DispatchArgs {
    /// Only this hook's queue.
    #[arg(long, value_name = "N")]
    pub hook_id: Option<u64>,
    /// At most this many events per hook.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
}

/// Matches every committed event, sends what is due, and prints what was sent, each failure
/// with its reason, and each hook skipped for another job's lease.
pub async fn run(args: DispatchArgs, settings: &Settings) -> anyhow::Result<()> {
    let log = open_existing(settings)?;
    crate::database::require_master_key(&log, settings)?;
    let secrets = ingest::secrets::load_box(&settings.ingest, log.path())?;
    ingest::key_check::verify(&log, &secrets).await?;
    let engine = dispatcher_engine(&log, settings, &secrets, super::public_url(settings)?, Default::default())?;
    let limit = args.limit.map(|limit| usize::try_from(limit).unwrap_or(usize::MAX));
    // On the engine's own single-threaded runtime, as `serve` runs it: a request and its answer
    // wake each other on one thread instead of being handed across the CLI's worker threads.
    let dispatching = engine.dispatch_on_own_thread(args.hook_id.map(HookId), limit)?;
    let joined = tokio::task::spawn_blocking(move || dispatching.join()).await?;
    let report =
        joined.map_err(|_| anyhow::anyhow!("the dispatch thread panicked"))?.map_err(|e| anyhow::anyhow!("{e}"))?;
    for line in lines(&report) {
        println!("{line}");
    }
    anyhow::ensure!(
        report.failures == 0,
        "{} hook(s) failed; they are retried as their retry schedule says",
        report.failures
    );
    Ok(())
}

/// What a run did, one line per fact.
fn lines(report: &Report) -> Vec<String> {
    let mut lines = vec![format!(
        "sent {} in {}",
        counted(report.events, "event", "events"),
        counted(report.deliveries, "delivery", "deliveries")
    )];
    lines.extend(report.failed.iter().map(|failure| failure.describe()));
    lines.extend(report.leased.iter().map(|lease| {
        format!(
            "hook {} skipped: another dispatch job holds its lease until {}",
            lease.hook,
            lease.until.to_rfc3339_opts(SecondsFormat::Millis, true)
        )
    }));
    lines.extend(report.waiting.iter().map(waiting_line));
    lines
}

/// `hook 3 is waiting for its retry: attempt 2 is due at …; the last attempt failed: HTTP 500`.
fn waiting_line(waiting: &Waiting) -> String {
    let reason = waiting.reason.as_deref().map_or_else(
        || "the last failure is no longer in the delivery log".to_owned(),
        |reason| format!("the last attempt failed: {reason}"),
    );
    format!(
        "hook {} is waiting for its retry: attempt {} is due at {}; {reason}",
        waiting.hook,
        waiting.attempts + 1,
        waiting.until.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// `1 event`, `2 events`, `0 events`.
fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn counts_are_singular_for_one_and_plural_otherwise() {
        let line = |events, deliveries| lines(&Report { events, deliveries, ..Report::default() }).remove(0);
        assert_eq!(line(1, 1), "sent 1 event in 1 delivery");
        assert_eq!(line(0, 0), "sent 0 events in 0 deliveries");
        assert_eq!(line(12, 2), "sent 12 events in 2 deliveries");
    }

    #[test]
    fn a_waiting_hook_is_named_with_its_next_attempt_and_last_reason() {
        let until = Utc.with_ymd_and_hms(2026, 11, 30, 22, 0, 5).unwrap();
        let waiting = Waiting { hook: HookId(3), until, attempts: 1, reason: Some("HTTP 500".into()) };
        assert_eq!(
            waiting_line(&waiting),
            "hook 3 is waiting for its retry: attempt 2 is due at 2026-11-30T22:00:05Z; the last attempt failed: HTTP 500"
        );
    }
}
