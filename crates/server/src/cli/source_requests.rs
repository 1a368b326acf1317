//! `dealflow sources log ID` (the request log) and `dealflow sources test ID FILE`.

use std::io::Read;
use std::path::Path;

use domain::ids::SourceId;
use domain::values::CustomFields;
use eventlog::StorageError;
use ingest::Ingest;
use ingest::inbound::InboundPayload;
use ingest::request_log::{RequestRow, StatusFilter, store};
use serde_json::json;

/// Prints a source's request log, newest first, one request a line.
pub async fn log(ingest: &Ingest, id: SourceId, status: Option<&str>, limit: u64) -> anyhow::Result<()> {
    let filter = status
        .map(|value| {
            StatusFilter::parse(value).ok_or_else(|| {
                anyhow::anyhow!("--status {value:?} is not known; use one of {}", StatusFilter::names().join(", "))
            })
        })
        .transpose()?;
    super::sources::find(ingest, id).await?;
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

/// Prints what a body would produce through the source, or every problem per field; stores
/// nothing. Uses the payload of SPEC §5 (the parsing the endpoint does without a mapping).
pub async fn test(ingest: &Ingest, id: SourceId, file: &Path) -> anyhow::Result<()> {
    let source = super::sources::find(ingest, id).await?;
    let body = read_body(file)?;
    let map = api::parse_json_object(&body).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let (payload, mut errors) = InboundPayload::parse(&map);
    if payload.title.is_none() && payload.external_id.is_none() && !errors.fields().any(|f| f == "title") {
        errors.add("title", "is required when creating a deal");
    }
    if !errors.is_empty() {
        println!("{}", serde_json::to_string_pretty(&json!({ "errors": errors }))?);
        anyhow::bail!("the body would be refused with 422: {errors}");
    }
    let preview = json!({
        "deal": {
            "title": payload.title,
            "amount": payload.amount,
            "currency": payload.currency.unwrap_or(ingest.default_currency),
            "close_date": payload.close_date.flatten(),
            "external_id": payload.external_id,
            "stage": payload.stage,
            "pipeline_id": payload.pipeline_id.unwrap_or(source.default_pipeline_id),
            "custom_fields": payload.custom_fields.as_ref().map(|p| CustomFields::default().patched(p)),
        },
        "contact": payload.contact.map(|c| json!({
            "email": c.email, "first_name": c.first_name, "last_name": c.last_name, "company": c.company,
        })),
    });
    println!("{}", serde_json::to_string_pretty(&preview)?);
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
