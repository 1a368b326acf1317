//! `dealflow sources log ID` (the request log) and `dealflow sources test ID FILE`.

use std::io::Read;
use std::path::Path;

use domain::ids::SourceId;
use eventlog::StorageError;
use ingest::Ingest;
use ingest::inbound::preview;
use ingest::request_log::{RequestRow, StatusFilter, store};
use serde_json::json;

/// Prints a source's request log, newest first, one request a line (the caller has looked the
/// source up).
pub async fn log(ingest: &Ingest, id: SourceId, status: Option<&str>, limit: u64) -> anyhow::Result<()> {
    let filter = status
        .map(|value| {
            StatusFilter::parse(value).ok_or_else(|| {
                anyhow::anyhow!("--status {value:?} is not known; use one of {}", StatusFilter::names().join(", "))
            })
        })
        .transpose()?;
    let (total, rows) = ingest
        .log
        .read_async(move |conn| store::list(conn, id, filter, 0, limit.max(1)).map_err(StorageError::from))
        .await?;
    println!("{} of {total} requests", rows.len());
    for row in rows {
        println!("{}", line(&row));
    }
    Ok(())
}

/// `time  status  outcome  bytes  key  deal  reason`, with `-` for what a row lacks.
fn line(row: &RequestRow) -> String {
    let entry = &row.entry;
    let or_dash = |value: Option<String>| value.unwrap_or_else(|| "-".into());
    [
        entry.received_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        entry.status.to_string(),
        entry.outcome.as_str().to_owned(),
        or_dash(entry.body_size.map(|size| format!("{size}B"))),
        or_dash(entry.idempotency_key.clone().map(|key| format!("key={key}"))),
        or_dash(entry.deal_id.map(|deal| format!("deal={deal}"))),
        or_dash(entry.reason.clone()),
    ]
    .join("\t")
}

/// Prints what a body would produce through the source, by the same steps and write unit as
/// `POST /api/sources/{id}/mapping/test` (mapping and stage table included), rolled back:
/// stores nothing. Fails when the body would be refused.
pub async fn test(ingest: &Ingest, id: SourceId, file: &Path) -> anyhow::Result<()> {
    let source = ingest
        .sources
        .get(&ingest.log, &ingest.secrets, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("source {id} does not exist; `dealflow sources list` shows them"))?;
    let sample = preview::Sample::body(read_body(file)?.into());
    let preview = preview::preview(ingest, &source, &sample).await.map_err(|e| anyhow::anyhow!("{}", e.message))?;
    println!("{}", serde_json::to_string_pretty(&preview)?);
    if preview["valid"] != json!(true) {
        anyhow::bail!("the body would be refused with 422: {}", preview["problems"]);
    }
    Ok(())
}

fn read_body(file: &Path) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut body)?;
    } else {
        body = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    }
    Ok(body)
}
