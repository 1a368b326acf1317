//! The `sources` table: a source's current state and its sealed secrets.

use chrono::{DateTime, Utc};
use domain::ids::{PipelineId, SourceId};
use domain::secrets::SecretBox;
use domain::signature::SignatureScheme;
use eventlog::from_micros;
use eventlog::sql::{Db, Optional, Row};
use serde::Serialize;

/// A stored source.
#[derive(Clone)]
pub struct SourceRecord {
    pub id: SourceId,
    pub name: String,
    pub default_pipeline_id: PipelineId,
    pub is_published: bool,
    /// Sealed with the master key.
    pub secret: String,
    /// The rotated-out secret, sealed, and until when it is accepted.
    pub previous_secret: Option<(String, DateTime<Utc>)>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// How the sender signs (SPEC §5a).
    pub signature: SignatureScheme,
    /// For timestamped schemes: the accepted clock skew, in seconds.
    pub tolerance_seconds: u32,
    /// The mapping as written (already validated), or `None`: the body is the payload.
    pub mapping: Option<serde_json::Value>,
    /// The preset the source was created from.
    pub preset: Option<String>,
}

impl std::fmt::Debug for SourceRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceRecord").field("id", &self.id).field("name", &self.name).finish_non_exhaustive()
    }
}

/// A source as the API shows it (never with a secret).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SourceView {
    pub id: SourceId,
    pub name: String,
    pub default_pipeline_id: PipelineId,
    pub is_published: bool,
    pub endpoint_url: String,
    pub created_at: DateTime<Utc>,
    /// The signature scheme's name (`dealflow`, `typeform`, …, `url_token`).
    pub signature: SignatureScheme,
    pub tolerance_seconds: u32,
    /// The mapping as written, or `null`.
    pub mapping: Option<serde_json::Value>,
    /// The preset the source was created from, or `null`.
    pub preset: Option<String>,
}

impl SourceRecord {
    /// The API's view, with the endpoint URL under `public_url`.
    pub fn view(&self, public_url: &str) -> SourceView {
        SourceView {
            id: self.id,
            name: self.name.clone(),
            default_pipeline_id: self.default_pipeline_id,
            is_published: self.is_published,
            endpoint_url: endpoint_url(public_url, self.id),
            created_at: self.created_at,
            signature: self.signature,
            tolerance_seconds: self.tolerance_seconds,
            mapping: self.mapping.clone(),
            preset: self.preset.clone(),
        }
    }
}

/// Where a source's sender POSTs.
pub fn endpoint_url(public_url: &str, id: SourceId) -> String {
    format!("{}/deal-flow/settings/inbound-webhooks/{id}/receive", public_url.trim_end_matches('/'))
}

const COLUMNS: &str = "id, name, default_pipeline_id, is_published, secret, previous_secret, previous_valid_until, \
                       created_at, updated_at, signature, tolerance_seconds, mapping, preset";

fn record(row: &Row<'_>) -> eventlog::sql::Result<SourceRecord> {
    let previous: Option<String> = row.get(5)?;
    let until: Option<i64> = row.get(6)?;
    Ok(SourceRecord {
        id: SourceId(row.get(0)?),
        name: row.get(1)?,
        default_pipeline_id: PipelineId(row.get(2)?),
        is_published: row.get(3)?,
        secret: row.get(4)?,
        previous_secret: previous.zip(until.map(from_micros)),
        created_at: from_micros(row.get(7)?),
        updated_at: from_micros(row.get(8)?),
        signature: scheme(row.get(9)?)?,
        tolerance_seconds: row.get(10)?,
        mapping: mapping(row.get(11)?)?,
        preset: row.get(12)?,
    })
}

fn scheme(name: String) -> eventlog::sql::Result<SignatureScheme> {
    name.parse().map_err(|error| eventlog::sql::SqlError::Invalid(format!("column 9: {error}")))
}

fn mapping(text: Option<String>) -> eventlog::sql::Result<Option<serde_json::Value>> {
    let parse = |text: String| serde_json::from_str(&text);
    text.map(parse).transpose().map_err(|error| eventlog::sql::SqlError::Invalid(format!("column 11: {error}")))
}

/// A source that is not deleted.
pub fn find(conn: &Db<'_>, id: SourceId) -> eventlog::sql::Result<Option<SourceRecord>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM sources WHERE id = ?1 AND deleted_at IS NULL"))?
        .query_row([id.0], record)
        .optional()
}

/// Every source that is not deleted, by id.
pub fn list(conn: &Db<'_>) -> eventlog::sql::Result<Vec<SourceRecord>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM sources WHERE deleted_at IS NULL ORDER BY id"))?
        .query_map([], record)?
        .collect()
}

/// Inserts or replaces a source's row.
pub fn save(conn: &Db<'_>, source: &SourceRecord) -> eventlog::sql::Result<()> {
    let (previous, until) = match &source.previous_secret {
        Some((sealed, until)) => (Some(sealed.as_str()), Some(until.timestamp_micros())),
        None => (None, None),
    };
    conn.prepare_cached(&format!(
        "INSERT INTO sources ({COLUMNS}, deleted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULL)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, default_pipeline_id = excluded.default_pipeline_id,
             is_published = excluded.is_published, secret = excluded.secret, previous_secret = excluded.previous_secret,
             previous_valid_until = excluded.previous_valid_until, created_at = excluded.created_at,
             updated_at = excluded.updated_at, signature = excluded.signature,
             tolerance_seconds = excluded.tolerance_seconds, mapping = excluded.mapping, preset = excluded.preset,
             deleted_at = NULL"
    ))?
    .execute((
        source.id.0,
        &source.name,
        source.default_pipeline_id.0,
        source.is_published,
        &source.secret,
        previous,
        until,
        source.created_at.timestamp_micros(),
        source.updated_at.timestamp_micros(),
        source.signature.name(),
        source.tolerance_seconds,
        source.mapping.as_ref().map(serde_json::Value::to_string),
        source.preset.as_deref(),
    ))?;
    Ok(())
}

/// Marks a source deleted; its row (and sealed secrets) stay for the audit trail's sake, unusable.
pub fn mark_deleted(conn: &Db<'_>, id: SourceId, at: DateTime<Utc>) -> eventlog::sql::Result<()> {
    conn.prepare_cached("UPDATE sources SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1")?
        .execute((id.0, at.timestamp_micros()))?;
    Ok(())
}

/// Seals every source's secrets (deleted ones too) again with the key of `to`; answers how many
/// sources. Fails, changing nothing, on a secret that `from` cannot open.
pub fn reseal(conn: &Db<'_>, from: &SecretBox, to: &SecretBox) -> eventlog::sql::Result<usize> {
    let sealed: Vec<(u64, String, Option<String>)> = conn
        .prepare("SELECT id, secret, previous_secret FROM sources ORDER BY id")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let reseal = |id: u64, sealed: &str| {
        from.reseal(sealed, to).map_err(|_| {
            eventlog::sql::SqlError::Invalid(format!("source {id}'s secret does not open with the current master key"))
        })
    };
    for (id, secret, previous) in &sealed {
        let previous = previous.as_deref().map(|sealed| reseal(*id, sealed)).transpose()?;
        conn.execute(
            "UPDATE sources SET secret = ?2, previous_secret = ?3 WHERE id = ?1",
            (*id, reseal(*id, secret)?, previous),
        )?;
    }
    Ok(sealed.len())
}
