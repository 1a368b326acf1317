//! Every command the README and `docs/` show runs against a live server (issue 10, item 10).
//!
//! The rules, for whoever writes docs:
//! - Every ```` ```sh ```` block of `README.md` and `docs/*.md` runs. A file's blocks run in
//!   order as one `bash -euo pipefail` session (variables carry from block to block) against a
//!   fresh server of its own, so files are independent. The session's working directory is an
//!   empty temporary directory.
//! - Placeholders: `http://127.0.0.1:8080` stands for the server's address and `<password>` for
//!   the admin's password. Anything else a line needs (an id, a source's secret) an earlier
//!   line captures in a shell variable, e.g. `HOOK=$(curl … | jq .hook.id)`, as a user would.
//! - `curl` fails on an HTTP error status (it runs as `curl -sS --fail-with-body`). `dealflow`
//!   is the binary under test, on `PATH`, pointed at the server's database
//!   (`DEALFLOW_DATABASE`). `jq` and `openssl` are expected on the machine (`.ci/run`).
//! - A command documented as following until interrupted (`dealflow events tail`) runs for a
//!   second and passes when it is still running then.
//! - Hook URLs on loopback or private addresses are allowed (`allow_private_targets`), as in
//!   every end-to-end test, and no delivery leaves the machine: the example hosts do not resolve.
//! - A block that must not run — it builds, benchmarks, starts a server or runs the tests —
//!   has `<!-- not run: <why> -->` on the line above its fence. Such a block, and any block not
//!   labelled `sh`, may not contain a `curl` or `dealflow` command.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::doc_blocks::{Block, documented_files, fenced_blocks, repository_root};
use crate::doc_session::{Live, block_output, session_script};
use crate::helpers::*;

/// A whole file's session may take this long (a command that hangs fails the test).
const SESSION_TIMEOUT: Duration = Duration::from_secs(180);

#[tokio::test]
async fn every_shell_block_in_the_readme_and_docs_runs_against_a_live_server() {
    let files = documented_files();

    let failures: Vec<String> =
        futures::future::join_all(files.iter().map(|file| run_file(file))).await.into_iter().flatten().collect();

    assert!(failures.is_empty(), "documented commands failed:\n\n{}", failures.join("\n\n"));
}

#[test]
fn no_documented_command_hides_outside_a_block_that_runs() {
    let mut hidden = Vec::new();
    for file in documented_files() {
        for block in fenced_blocks(&read(&file)) {
            let place = format!("{}:{}", file.display(), block.line);
            if block.not_run.as_deref() == Some("") {
                hidden.push(format!("{place}: a not-run marker must say why"));
            }
            if !block.runs() && !block.command_lines().is_empty() {
                hidden.push(format!("{place}: {:?} would not run", block.command_lines()));
            }
        }
    }

    assert!(hidden.is_empty(), "{}", hidden.join("\n"));
}

#[test]
fn the_docs_have_shell_blocks_to_run() {
    let runnable = documented_files().iter().flat_map(|file| fenced_blocks(&read(file))).filter(Block::runs).count();

    assert!(runnable >= 15, "only {runnable} runnable blocks found: is the extraction broken?");
}

fn read(file: &Path) -> String {
    std::fs::read_to_string(repository_root().join(file)).expect("a documentation file")
}

/// Runs a file's blocks against a server of its own; answers the failure, if any.
async fn run_file(file: &Path) -> Option<String> {
    let blocks = fenced_blocks(&read(file));
    if !blocks.iter().any(Block::runs) {
        return None;
    }
    let app = spawn_app().await;
    let live = Live { address: app.address.clone(), password: ADMIN_PASSWORD.into() };
    let session = Session::new(app.store.env());
    let (succeeded, output) = session.run(&session_script(&blocks, &live)).await;
    if succeeded {
        return None;
    }
    let line = session.last_block().unwrap_or(0);
    Some(format!("{}:{line}: this block failed:\n{}", file.display(), block_output(&output, line)))
}

/// A temporary directory holding the script, a `bin/dealflow` for `PATH` and the working
/// directory of the session.
struct Session {
    dir: tempfile::TempDir,
    /// What `dealflow` needs to reach the app's store (`DEALFLOW_DATABASE`, and the master key
    /// on PostgreSQL).
    store_env: Vec<(&'static str, String)>,
}

impl Session {
    fn new(store_env: Vec<(&'static str, String)>) -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        std::fs::create_dir_all(dir.path().join("bin")).expect("bin/");
        std::fs::create_dir_all(dir.path().join("work")).expect("work/");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_dealflow"), dir.path().join("bin/dealflow"))
            .expect("bin/dealflow");
        Session { dir, store_env }
    }

    /// Runs the script; answers whether it succeeded, and its output (stdout and stderr).
    async fn run(&self, script: &str) -> (bool, String) {
        let path = self.dir.path().join("session.sh");
        std::fs::write(&path, script).expect("the script is written");
        let output_path = self.dir.path().join("output");
        let sink = std::fs::File::create(&output_path).expect("the output file");
        let bin = self.dir.path().join("bin");
        let search_path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
        let mut command = tokio::process::Command::new("bash");
        // Only the session's own settings reach `dealflow`, whatever the test runner's are.
        for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("DEALFLOW_")) {
            command.env_remove(name);
        }
        let mut child = command
            .args(["-euo", "pipefail"])
            .arg(&path)
            .current_dir(self.dir.path().join("work"))
            .env("PATH", search_path)
            .envs(self.store_env.iter().map(|(name, value)| (name, value)))
            .env("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true")
            .env("RUST_LOG", "warn")
            .env("DOCS_PROGRESS", self.dir.path().join("progress"))
            .stdin(Stdio::null())
            .stdout(sink.try_clone().expect("the output file"))
            .stderr(sink)
            .kill_on_drop(true)
            .spawn()
            .expect("bash runs");
        let mut output = String::new();
        let succeeded = match tokio::time::timeout(SESSION_TIMEOUT, child.wait()).await {
            Ok(status) => status.is_ok_and(|status| status.success()),
            Err(_) => {
                let _ = child.kill().await;
                output = format!("(stopped: the session did not finish within {SESSION_TIMEOUT:?})\n");
                false
            }
        };
        output.insert_str(0, &std::fs::read_to_string(&output_path).unwrap_or_default());
        (succeeded, output)
    }

    /// The line of the last block that started.
    fn last_block(&self) -> Option<usize> {
        let progress = std::fs::read_to_string(self.dir.path().join("progress")).ok()?;
        progress.lines().last()?.parse().ok()
    }
}
