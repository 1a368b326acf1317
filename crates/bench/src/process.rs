//! Starting the real `dealflow` binary (or the bare baseline) on a free loopback port.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use crate::store::Store;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The admin password of servers the benchmark starts.
pub const ADMIN_PASSWORD: &str = "bench-admin-password";

/// A child process killed when dropped.
pub struct Running {
    child: Child,
    pub base_url: String,
    /// The store the server runs on (none for the bare baseline); dropped after the server.
    pub store: Option<Store>,
}

impl Drop for Running {
    /// Stops the process with SIGTERM (so that profilers wrapping it write their output), then
    /// SIGKILL if it has not exited within ten seconds.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// CPU seconds (user + system) the process has used so far, from `/proc/<pid>/stat`.
    pub fn cpu_seconds(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
        Some(ticks / 100.0)
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The `dealflow` binary: the one given, or the one built beside this benchmark.
pub fn dealflow_binary(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = given {
        return Ok(path.to_owned());
    }
    let beside = std::env::current_exe()?.with_file_name("dealflow");
    anyhow::ensure!(beside.exists(), "{} is missing: run `cargo build --release` first", beside.display());
    Ok(beside)
}

/// Starts `dealflow serve` on a fresh store (in `dir`, or on the PostgreSQL server `database`
/// names), with extra environment variables.
pub async fn start_dealflow(
    binary: &Path,
    dir: &Path,
    database: Option<&str>,
    env: &[(&str, String)],
) -> anyhow::Result<Running> {
    let port = free_port()?;
    let store = Store::fresh(dir, database)?;
    let mut command = Command::new(binary);
    command
        .arg("serve")
        .env("DEALFLOW_LISTEN", format!("127.0.0.1:{port}"))
        .envs(store.env())
        .env("DEALFLOW_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (name, value) in env {
        command.env(name, value);
    }
    let running = Running { child: command.spawn()?, base_url: format!("http://127.0.0.1:{port}"), store: Some(store) };
    wait_until_healthy(&running.base_url).await?;
    Ok(running)
}

/// Starts this benchmark's bare baseline server as a child process.
pub async fn start_bare(secret: &str) -> anyhow::Result<Running> {
    let port = free_port()?;
    let child = Command::new(std::env::current_exe()?)
        .args(["bare-server", "--port", &port.to_string(), "--secret", secret])
        .stdout(Stdio::null())
        .spawn()?;
    let running = Running { child, base_url: format!("http://127.0.0.1:{port}"), store: None };
    wait_until_healthy(&running.base_url).await?;
    Ok(running)
}

async fn wait_until_healthy(base_url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if let Ok(response) = client.get(format!("{base_url}/health")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("{base_url} did not become healthy within 120 s")
}

/// An admin call to the API of the server at `base_url` (Basic credentials, a JSON body);
/// answers the JSON it returns, or an error with the status and body when it did not succeed.
pub async fn admin(
    base_url: &str,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> anyhow::Result<serde_json::Value> {
    let response = reqwest::Client::new()
        .request(method, format!("{base_url}{path}"))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .json(&body)
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    anyhow::ensure!(status.is_success(), "{path}: {status} {text}");
    Ok(serde_json::from_str(&text).unwrap_or_default())
}
