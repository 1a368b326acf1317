//! `dealflow sources add|list|show|rotate|log|test` and `dealflow sign`.

use std::io::Read;
use std::path::PathBuf;

use clap::Subcommand;
use domain::ids::SourceId;
use domain::{Actor, ActorKind, Metadata};
use eventlog::StorageError;
use ingest::Ingest;
use ingest::sources::SourceRecord;
use ingest::sources::routes;
use ingest::sources::store::{self, endpoint_url};
use serde_json::{Value, json};

/// Inbound source management.
#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Create a source; prints its endpoint URL and its secret (shown only this once), and for
    /// a `url_token` preset its access key and receive URL.
    Add {
        #[arg(long)]
        name: String,
        /// The id of the pipeline new deals go to.
        #[arg(long, default_value_t = 1)]
        pipeline: u64,
        /// A known sender (`typeform`, `stripe`, `form`, …; `GET /api/sources/presets` lists
        /// them): its signature scheme and mapping. Without it the source takes the plain payload
        /// signed with X-DealFlow-Signature.
        #[arg(long)]
        preset: Option<String>,
    },
    /// List the sources: id, published or not, name and endpoint URL.
    List,
    /// Show one source as `GET /api/sources/{id}` does.
    Show { id: u64 },
    /// Issue a new secret (for `url_token`: access key and receive URL), printed only this once;
    /// the old one works for the grace period.
    Rotate { id: u64 },
    /// The source's request log, newest first: what each request came to and why.
    Log {
        id: u64,
        /// `success`, `failed`, or one outcome: created, updated, replayed, refused, invalid,
        /// too_large, unsupported, error.
        #[arg(long)]
        status: Option<String>,
        /// Most rows to show.
        #[arg(long, default_value_t = 30)]
        limit: u64,
    },
    /// Print the deal and contact a body would produce, or its problems per field, without
    /// storing anything.
    Test {
        id: u64,
        /// The body file; `-` reads standard input.
        file: PathBuf,
    },
}

impl SourcesCommand {
    /// Whether the command prints endpoint URLs, which depend on where the server is reached.
    pub fn prints_urls(&self) -> bool {
        matches!(self, Self::Add { .. } | Self::List | Self::Show { .. } | Self::Rotate { .. })
    }
}

/// Runs a sources command.
pub async fn run(command: SourcesCommand, ingest: &Ingest) -> anyhow::Result<()> {
    match command {
        SourcesCommand::Add { name, pipeline, preset } => add(ingest, name, pipeline, preset).await,
        SourcesCommand::List => list(ingest).await,
        SourcesCommand::Show { id } => show(ingest, SourceId(id)).await,
        SourcesCommand::Rotate { id } => rotate(ingest, SourceId(id)).await,
        SourcesCommand::Log { id, status, limit } => {
            find(ingest, SourceId(id)).await?;
            super::source_requests::log(ingest, SourceId(id), status.as_deref(), limit).await
        }
        SourcesCommand::Test { id, file } => super::source_requests::test(ingest, SourceId(id), &file).await,
    }
}

fn cli_metadata() -> Metadata {
    Metadata::new(Actor { id: None, name: "dealflow cli".into(), kind: ActorKind::System }, None)
}

async fn add(ingest: &Ingest, name: String, pipeline: u64, preset: Option<String>) -> anyhow::Result<()> {
    let mut body = serde_json::Map::new();
    body.insert("name".into(), json!(name));
    body.insert("default_pipeline_id".into(), json!(pipeline));
    if let Some(preset) = preset {
        body.insert("preset".into(), json!(preset));
    }
    let (_, answer) = routes::create_source_as(ingest, &body, cli_metadata()).await.map_err(api_error)?;
    let source = &answer["source"];
    println!("created source {} ({})", source["id"], text(&source["name"]));
    println!("endpoint: {}", text(&source["endpoint_url"]));
    print_credentials(&answer);
    Ok(())
}

/// The secret of a create or rotate answer, and for a `url_token` source its `access_key` and
/// `receive_url`, as the API answers them; then, once, that they are not shown again.
fn print_credentials(answer: &Value) {
    println!("secret:   {}", text(&answer["secret"]));
    if let Some(key) = answer["access_key"].as_str() {
        println!("access_key:  {key}");
        println!("receive_url: {}", text(&answer["receive_url"]));
    }
    if let Some(until) = answer["previous_secret_valid_until"].as_str() {
        println!("previous secret valid until {until}");
    }
    if answer["access_key"].is_string() {
        eprintln!(
            "(shown only this once; senders post to the receive_url, or send Authorization: Bearer <access_key>)"
        );
    } else {
        eprintln!("(shown only this once; sign requests with `dealflow sign --secret <secret> FILE`)");
    }
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// An API refusal in the API's words, with the fields it names.
fn api_error(error: api::ApiError) -> anyhow::Error {
    match error.details.as_object().filter(|details| !details.is_empty()) {
        Some(details) => anyhow::anyhow!("{} {}", error.message, Value::Object(details.clone())),
        None => anyhow::anyhow!("{}", error.message),
    }
}

async fn list(ingest: &Ingest) -> anyhow::Result<()> {
    let records = ingest.log.read_async(|conn| store::list(conn).map_err(StorageError::from)).await?;
    if records.is_empty() {
        println!("no sources; create one with `dealflow sources add --name NAME`");
    }
    for record in records {
        let state = if record.is_published { "published" } else { "unpublished" };
        println!("{}\t{state}\t{}\t{}", record.id, record.name, endpoint_url(&ingest.public_url, record.id));
    }
    Ok(())
}

/// The source as the API shows it, or an error naming the id.
pub(super) async fn find(ingest: &Ingest, id: SourceId) -> anyhow::Result<SourceRecord> {
    let record = ingest.log.read_async(move |conn| store::find(conn, id).map_err(StorageError::from)).await?;
    record.ok_or_else(|| anyhow::anyhow!("source {id} does not exist; `dealflow sources list` shows them"))
}

async fn show(ingest: &Ingest, id: SourceId) -> anyhow::Result<()> {
    let record = find(ingest, id).await?;
    let view = serde_json::json!({ "source": record.view(&ingest.public_url) });
    println!("{}", serde_json::to_string_pretty(&view)?);
    Ok(())
}

async fn rotate(ingest: &Ingest, id: SourceId) -> anyhow::Result<()> {
    let answer = routes::rotate_secret_as(ingest, id, cli_metadata()).await.map_err(api_error)?;
    let source = &answer["source"];
    println!("rotated the secret of source {} ({})", source["id"], text(&source["name"]));
    let mut answer = answer;
    if let Some(until) = answer["previous_secret_valid_until"].as_str() {
        let until = chrono::DateTime::parse_from_rfc3339(until).map(|t| t.to_utc());
        if let Ok(until) = until {
            answer["previous_secret_valid_until"] = json!(until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        }
    }
    print_credentials(&answer);
    Ok(())
}

/// Prints the `X-DealFlow-Signature` value for the exact bytes of FILE (or standard input).
pub fn sign(secret: &str, file: Option<PathBuf>) -> anyhow::Result<()> {
    let mut body = Vec::new();
    match file.filter(|f| f.as_os_str() != "-") {
        Some(path) => {
            body = std::fs::read(&path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?
        }
        None => {
            std::io::stdin().read_to_end(&mut body)?;
        }
    }
    println!("{}", domain::signature::sign_inbound(secret.as_bytes(), &body));
    Ok(())
}
