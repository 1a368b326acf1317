//! What a fresh database receives at first start: the default pipeline of SPEC §3, as events.

use domain::Metadata;
use domain::ids::{IdKind, PipelineId};
use domain::pipeline::{create_pipeline, default_pipeline};
use eventlog::{AppendError, ExpectedVersion, NewEvent, SqliteEventLog, StorageError};

/// Appends `pipeline.created` for `Main Pipeline` unless a pipeline was ever created.
pub async fn ensure_default_pipeline(log: &SqliteEventLog) -> anyhow::Result<()> {
    let created = log
        .write(|tx| {
            // Ids start at 1, so pipeline-1 exists once any pipeline was ever created.
            if tx.stream_version(PipelineId(1).stream().as_str())?.is_some() {
                return Ok(false);
            }
            let id = PipelineId(tx.next_id(IdKind::Pipeline)?);
            let mut ids = tx.ids();
            let events = create_pipeline(default_pipeline(), &mut ids);
            ids.finish()?;
            let events = NewEvent::from_domain_all(&events, &Metadata::system()).map_err(StorageError::from)?;
            tx.append(&id.stream(), ExpectedVersion::NoStream, &events)?;
            Ok::<_, AppendError>(true)
        })
        .await?;
    if created {
        tracing::info!("created the default pipeline");
    }
    Ok(())
}
