//! What a fresh database receives at first start: the default pipeline of SPEC §3, as events.

use domain::Metadata;
use domain::ids::PipelineId;
use domain::pipeline::default_pipeline;
use eventlog::EventStore;
use ingest::commands::pipelines;

/// Appends `pipeline.created` for `Main Pipeline` unless a pipeline was ever created; answers
/// whether it did.
pub async fn ensure_default_pipeline(log: &EventStore) -> anyhow::Result<bool> {
    let created = log
        .write(|tx| {
            // Ids start at 1, so pipeline-1 exists once any pipeline was ever created.
            if tx.stream_version(PipelineId(1).stream().as_str())?.is_some() {
                return Ok(false);
            }
            pipelines::create(tx, default_pipeline(), &Metadata::system())?;
            Ok::<_, ingest::CommandError>(true)
        })
        .await
        .map_err(|e| anyhow::anyhow!("cannot create the default pipeline: {e}"))?;
    if created {
        tracing::info!("created the default pipeline");
    }
    Ok(created)
}
