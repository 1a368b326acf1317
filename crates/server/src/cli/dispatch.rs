//! `dealflow dispatch [--hook-id N] [--limit N]`: the queue, sent once. It may run while `serve`
//! runs on the same database: each hook is leased while its deliveries are in flight.

use clap::Args;
use domain::ids::HookId;

use crate::settings::Settings;
use crate::startup::{dispatcher_engine, open_log};

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

/// Matches every committed event, sends what is due, and prints what was sent.
pub async fn run(args: DispatchArgs, settings: &Settings) -> anyhow::Result<()> {
    let log = open_log(settings)?;
    let public_url = settings.server.public_url(settings.server.listen_addr()?);
    let engine = dispatcher_engine(&log, settings, public_url, Default::default())?;
    let limit = args.limit.map(|limit| usize::try_from(limit).unwrap_or(usize::MAX));
    let report = engine.dispatch(args.hook_id.map(HookId), limit).await?;
    println!(
        "sent {} events in {} deliveries; {} hooks failed and will be retried",
        report.events, report.deliveries, report.failures
    );
    Ok(())
}
