//! `dealflow sources add|list|show|rotate|log|test` and `dealflow sign`.

use std::io::Read;
use std::path::PathBuf;

use clap::Subcommand;
use domain::ids::{PipelineId, SourceId};
use domain::values::BoundedText;
use domain::{Actor, ActorKind, Metadata};
use eventlog::StorageError;
use ingest::Ingest;
use ingest::secrets::generate_source_secret;
use ingest::sources::SourceRecord;
use ingest::sources::commands::{self, SourceInput};
use ingest::sources::store::{self, endpoint_url};

/// Inbound source management.
#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Create a source; prints its endpoint URL and its secret (shown only this once).
    Add {
        #[arg(long)]
        name: String,
        /// The id of the pipeline new deals go to.
        #[arg(long, default_value_t = 1)]
        pipeline: u64,
    },
    /// List the sources: id, published or not, name and endpoint URL.
    List,
    /// Show one source as `GET /api/sources/{id}` does.
    Show { id: u64 },
    /// Issue a new secret, printed only this once; the old one works for the grace period.
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

/// Runs a sources command.
pub async fn run(command: SourcesCommand, ingest: &Ingest) -> anyhow::Result<()> {
    match command {
        SourcesCommand::Add { name, pipeline } => add(ingest, name, pipeline).await,
        SourcesCommand::List => list(ingest).await,
        SourcesCommand::Show { id } => show(ingest, SourceId(id)).await,
        SourcesCommand::Rotate { id } => rotate(ingest, SourceId(id)).await,
        SourcesCommand::Log { id, status, limit } => {
            super::source_requests::log(ingest, SourceId(id), status.as_deref(), limit).await
        }
        SourcesCommand::Test { id, file } => super::source_requests::test(ingest, SourceId(id), &file).await,
    }
}

fn cli_metadata() -> Metadata {
    Metadata::new(Actor { id: None, name: "dealflow cli".into(), kind: ActorKind::System }, None)
}

async fn add(ingest: &Ingest, name: String, pipeline: u64) -> anyhow::Result<()> {
    let input = SourceInput {
        name: Some(BoundedText::parse(&name, 255).map_err(|e| anyhow::anyhow!("--name {e}"))?),
        default_pipeline_id: Some(PipelineId(pipeline)),
        is_published: Some(true),
        settings: Default::default(),
    };
    let secret = generate_source_secret();
    let sealed = ingest.secrets.seal(&secret);
    let pipelines = ingest.pipelines.clone();
    let metadata = cli_metadata();
    let record = ingest
        .log
        .write(move |tx| commands::create(tx, &pipelines, input, sealed, &metadata))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("created source {} ({})", record.id, record.name);
    println!("endpoint: {}", endpoint_url(&ingest.public_url, record.id));
    println!("secret:   {secret}");
    eprintln!("(the secret is shown only this once; sign requests with `dealflow sign --secret <secret> FILE`)");
    Ok(())
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
    let secret = generate_source_secret();
    let sealed = ingest.secrets.seal(&secret);
    let grace = chrono::Duration::hours(i64::try_from(ingest.settings.secret_grace_hours).unwrap_or(24));
    let grace_until = chrono::Utc::now() + grace;
    let metadata = cli_metadata();
    let record = ingest
        .log
        .write(move |tx| commands::rotate_secret(tx, id, sealed, grace_until, &metadata))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("rotated the secret of source {} ({})", record.id, record.name);
    println!("secret:   {secret}");
    println!("previous secret valid until {}", grace_until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    eprintln!("(the new secret is shown only this once)");
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
