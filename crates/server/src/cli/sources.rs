//! `dealflow sources add` and `dealflow sign`.

use std::io::Read;
use std::path::PathBuf;

use clap::Subcommand;
use domain::ids::PipelineId;
use domain::values::BoundedText;
use domain::{Actor, ActorKind, Metadata};
use ingest::Ingest;
use ingest::secrets::generate_source_secret;
use ingest::sources::commands::{self, SourceInput};
use ingest::sources::store::endpoint_url;

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
}

/// Runs a sources command.
pub async fn run(command: SourcesCommand, ingest: &Ingest) -> anyhow::Result<()> {
    let SourcesCommand::Add { name, pipeline } = command;
    let input = SourceInput {
        name: Some(BoundedText::parse(&name, 255).map_err(|e| anyhow::anyhow!("--name {e}"))?),
        default_pipeline_id: Some(PipelineId(pipeline)),
        is_published: Some(true),
        settings: Default::default(),
    };
    let secret = generate_source_secret();
    let sealed = ingest.secrets.seal(&secret);
    let pipelines = ingest.pipelines.clone();
    let metadata = Metadata::new(Actor { id: None, name: "dealflow cli".into(), kind: ActorKind::System }, None);
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
