//! `dealflow dispatch [--hook-id N] [--limit N]`: the queue, sent once. It may run while `serve`
//! runs on the same database: each hook is leased while its deliveries are in flight, and a hook
//! another job is sending is skipped (and said so). Exits non-zero when a delivery failed, so
//! that cron mails the output.

use chrono::SecondsFormat;
use clap::Args;
use dispatcher::delivery::Report;
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
    let engine = dispatcher_engine(&log, settings, &secrets, super::public_url(settings)?, Default::default())?;
    let limit = args.limit.map(|limit| usize::try_from(limit).unwrap_or(usize::MAX));
    let report = engine.dispatch(args.hook_id.map(HookId), limit).await.map_err(|e| anyhow::anyhow!("{e}"))?;
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
    let mut lines = vec![format!("sent {} events in {} deliveries", report.events, report.deliveries)];
    lines.extend(report.failed.iter().map(|failure| failure.describe()));
    lines.extend(report.leased.iter().map(|lease| {
        format!(
            "hook {} skipped: another dispatch job holds its lease until {}",
            lease.hook,
            lease.until.to_rfc3339_opts(SecondsFormat::Millis, true)
        )
    }));
    lines
}
