//! `dealflow master-key rotate`: seals every stored secret (source secrets, hook secrets and
//! the master key check) again with a new master key, in one transaction. Every node must be
//! stopped first and started again with the new key: a node still holding the old key cannot
//! open what the rotation sealed.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use domain::secrets::SecretBox;
use eventlog::{EventStore, StorageError};
use ingest::secrets::{box_for_key, generate_master_key, is_raw_key, key_file, load_box};

use crate::database::{open_existing, require_master_key};
use crate::settings::Settings;

/// Master key management.
#[derive(Debug, Subcommand)]
pub enum MasterKeyCommand {
    /// Seal every stored secret again with a new master key. Stop every node first.
    Rotate {
        /// The new key: base64 of 32 bytes (`openssl rand -base64 32`), or a passphrase.
        /// Default: generated (and, when the key is configured rather than kept in a key file,
        /// printed once).
        #[arg(long, env = "DEALFLOW_NEW_MASTER_KEY", hide_env_values = true)]
        new_key: Option<String>,
    },
}

/// What a rotation sealed again.
struct Resealed {
    sources: usize,
    hooks: usize,
}

/// Runs a master key command.
pub async fn run(command: MasterKeyCommand, settings: &Settings) -> anyhow::Result<()> {
    let MasterKeyCommand::Rotate { new_key } = command;
    let log = open_existing(settings)?;
    require_master_key(&log, settings)?;
    let current = load_box(&settings.ingest, log.path())?;
    ingest::key_check::verify(&log, &current).await?;
    let (text, generated) = match new_key {
        Some(text) => (text, false),
        None => (generate_master_key(), true),
    };
    if settings.ingest.master_key.is_none() {
        anyhow::ensure!(
            is_raw_key(&text),
            "the master key is kept in a key file, which holds base64 of 32 bytes: give such a key \
             (`openssl rand -base64 32`), or none to have one generated"
        );
        let file = key_file(&settings.ingest, log.path())?;
        return rotate_key_file(&log, &current, &text, &file).await;
    }
    let resealed = reseal(&log, &current, &box_for_key(&text)).await?;
    report(&resealed);
    if generated {
        println!("{text}");
    }
    eprintln!(
        "now set DEALFLOW_MASTER_KEY (or [ingest] master_key) to the new key on every node, then start them; \
         a node with the old key refuses to start"
    );
    Ok(())
}

/// A key kept in a file: the new key goes to `<file>.new` first, then the secrets are sealed
/// with it, then it replaces the file, so that no moment leaves secrets sealed with a key that
/// is nowhere on disk.
async fn rotate_key_file(log: &EventStore, current: &SecretBox, text: &str, file: &Path) -> anyhow::Result<()> {
    let pending = PathBuf::from(format!("{}.new", file.display()));
    write_private(&pending, text)?;
    let resealed = reseal(log, current, &box_for_key(text)).await?;
    std::fs::rename(&pending, file).map_err(|e| {
        anyhow::anyhow!(
            "the secrets are sealed with the key in {}, but it could not replace {}: {e}; move it there yourself",
            pending.display(),
            file.display()
        )
    })?;
    report(&resealed);
    eprintln!("the new key is in {}; back it up with the database", file.display());
    Ok(())
}

async fn reseal(log: &EventStore, current: &SecretBox, new: &SecretBox) -> anyhow::Result<Resealed> {
    let (current, new) = (current.clone(), new.clone());
    log.write(move |tx| {
        let sources = ingest::sources::store::reseal(tx.sql(), &current, &new)?;
        let hooks = dispatcher::hooks::store::reseal(tx.sql(), &current, &new)?;
        ingest::key_check::reseal(tx.sql(), &current, &new)?;
        Ok::<_, StorageError>(Resealed { sources, hooks })
    })
    .await
    .map_err(|e| anyhow::anyhow!("nothing was changed: {e}"))
}

fn report(resealed: &Resealed) {
    eprintln!(
        "sealed {} source secret(s) and {} hook secret(s) again with the new master key",
        resealed.sources, resealed.hooks
    );
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut file = crate::private_file::options()
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot write the new key to {}: {e}", path.display()))?;
    writeln!(file, "{text}")?;
    file.sync_all()?;
    Ok(())
}
