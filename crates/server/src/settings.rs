//! Configuration: `dealflow.toml` (optional) overridden by `DEALFLOW_*` environment variables
//! (SPEC §9). Each section is a `*Settings` struct that owns its small conversions.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use domain::values::Secret;
use serde::Deserialize;

/// Everything `dealflow` can be configured with.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub roles: RoleSettings,
    pub ingest: ingest::IngestSettings,
    pub webhooks: dispatcher::WebhookSettings,
    /// Switches only tests turn on (`DEALFLOW_TEST_FAULT`); never read from the file.
    #[serde(skip)]
    pub testing: TestSettings,
}

/// Faults the end-to-end tests inject into a real `dealflow serve` process, to show that the
/// supervisor notices a dead role. Set only by `DEALFLOW_TEST_FAULT`; not documented for users.
#[derive(Clone, Debug, Default)]
pub struct TestSettings {
    pub fault: Option<Fault>,
}

/// An injected fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The projector panics as soon as it runs (`DEALFLOW_TEST_FAULT=projector_panic`).
    ProjectorPanic,
}

/// The HTTP listener.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// `host:port`; `:port` listens on every interface; port 0 picks a free one.
    pub listen: String,
    /// Base of the URLs shown to users and of `X-Origin-Base-URL`; `http://<listen>` if unset.
    pub public_url: Option<String>,
    /// HTTP worker threads; the number of cores if unset.
    pub workers: Option<usize>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self { listen: "127.0.0.1:8080".into(), public_url: None, workers: None }
    }
}

impl ServerSettings {
    /// The socket address to bind.
    pub fn listen_addr(&self) -> Result<SocketAddr, SettingsError> {
        let text = self.listen.trim();
        let text = if text.starts_with(':') { format!("0.0.0.0{text}") } else { text.to_owned() };
        text.parse().map_err(|_| SettingsError::Invalid("server.listen / DEALFLOW_LISTEN", self.listen.clone()))
    }

    /// Whether neither `public_url` nor `listen` was configured (by file or environment), so
    /// URLs printed outside `serve` assume the default address.
    pub fn address_is_default(&self) -> bool {
        self.public_url.is_none() && self.listen == Self::default().listen
    }

    /// The public base URL, given the port actually bound.
    pub fn public_url(&self, bound: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{bound}"),
        }
    }
}

/// The database that holds the log and the read models: the SQLite file at `path` (the
/// default), or the database `url` names (`postgres://user@host/db`, or `sqlite:PATH`).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    pub path: PathBuf,
    pub url: Option<String>,
    /// Reader connections in the pool.
    pub readers: u32,
    /// Most write units per group commit.
    pub max_batch: usize,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { path: PathBuf::from("./dealflow.db"), url: None, readers: 8, max_batch: 1024 }
    }
}

impl DatabaseSettings {
    /// The log's tuning.
    pub fn log_settings(&self) -> eventlog::LogSettings {
        eventlog::LogSettings { max_batch: self.max_batch, readers: self.readers, ..Default::default() }
    }

    /// Where the store lives: `url` when set, else the SQLite file at `path`.
    pub fn database(&self) -> eventlog::Database {
        match &self.url {
            Some(url) => eventlog::Database::parse(url),
            None => eventlog::Database::Sqlite(self.path.clone()),
        }
    }
}

/// Users and credentials.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// The password of user `admin` at first start; generated and printed once if unset.
    pub admin_password: Option<Secret>,
}

/// Which roles this process runs (all by default).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoleSettings {
    pub http: bool,
    pub projector: bool,
    pub dispatcher: bool,
    /// Seconds a role lease (the projector's) lasts after its holder's last renewal: how long a
    /// standby waits after the holder died (`DEALFLOW_LEASE_SECONDS`).
    pub lease_seconds: u64,
}

impl Default for RoleSettings {
    fn default() -> Self {
        Self { http: true, projector: true, dispatcher: true, lease_seconds: 10 }
    }
}

/// Configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the configuration file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("the configuration file {0} is invalid: {1}")]
    Parse(PathBuf, toml::de::Error),
    #[error("{0} has an invalid value {1:?}")]
    Invalid(&'static str, String),
    #[error("the configuration is invalid (nothing was created):\n  - {}", .0.join("\n  - "))]
    Problems(Vec<String>),
}

impl Settings {
    /// Reads `file` (or `./dealflow.toml` when it exists), then applies the environment.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let default_file = Path::new("dealflow.toml");
        let file = file.or_else(|| default_file.exists().then_some(default_file));
        let mut settings = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| SettingsError::Read(path.to_owned(), e))?;
                toml::from_str(&text).map_err(|e| SettingsError::Parse(path.to_owned(), e))?
            }
            None => Settings::default(),
        };
        settings.apply_env(env)?;
        Ok(settings)
    }

    /// Applies the `DEALFLOW_*` variables that override the file.
    pub fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), SettingsError> {
        if let Some(listen) = env("DEALFLOW_LISTEN") {
            self.server.listen = listen;
        }
        if let Some(workers) = env("DEALFLOW_WORKERS") {
            let parsed = workers.trim().parse().ok().filter(|n| *n > 0);
            self.server.workers = Some(parsed.ok_or(SettingsError::Invalid("DEALFLOW_WORKERS", workers))?);
        }
        if let Some(url) = env("DEALFLOW_PUBLIC_URL") {
            self.server.public_url = Some(url);
        }
        if let Some(setting) = env("DEALFLOW_DATABASE") {
            match eventlog::Database::parse(&setting) {
                eventlog::Database::Sqlite(path) => (self.database.path, self.database.url) = (path, None),
                eventlog::Database::Postgres(url) => self.database.url = Some(url),
            }
        }
        if let Some(seconds) = env("DEALFLOW_LEASE_SECONDS") {
            let parsed = seconds.trim().parse().ok().filter(|n| *n > 0);
            self.roles.lease_seconds = parsed.ok_or(SettingsError::Invalid("DEALFLOW_LEASE_SECONDS", seconds))?;
        }
        if let Some(password) = env("DEALFLOW_ADMIN_PASSWORD") {
            self.auth.admin_password = Some(Secret::new(password));
        }
        if let Some(key) = env("DEALFLOW_MASTER_KEY") {
            self.ingest.master_key = Some(Secret::new(key));
        }
        if let Some(mode) = env("DEALFLOW_QUEUE_MODE") {
            self.webhooks.queue_mode = mode;
        }
        if let Some(allow) = env("DEALFLOW_ALLOW_PRIVATE_TARGETS") {
            self.webhooks.allow_private_targets = parse_flag("DEALFLOW_ALLOW_PRIVATE_TARGETS", &allow)?;
        }
        if let Some(fault) = env("DEALFLOW_TEST_FAULT") {
            self.testing.fault = match fault.as_str() {
                "projector_panic" => Some(Fault::ProjectorPanic),
                _ => return Err(SettingsError::Invalid("DEALFLOW_TEST_FAULT", fault)),
            };
        }
        self.server.listen_addr()?;
        Ok(())
    }
}

/// Parses `true`/`false`/`1`/`0`/`yes`/`no` from an environment variable.
pub fn parse_flag(name: &'static str, value: &str) -> Result<bool, SettingsError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(SettingsError::Invalid(name, value.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_variables_override_defaults() {
        let env = |name: &str| match name {
            "DEALFLOW_LISTEN" => Some(":0".to_owned()),
            "DEALFLOW_DATABASE" => Some("/tmp/x.db".to_owned()),
            _ => None,
        };
        let settings = Settings::load(None, env).unwrap();
        assert_eq!(settings.server.listen_addr().unwrap().to_string(), "0.0.0.0:0");
        assert_eq!(settings.database.path, PathBuf::from("/tmp/x.db"));
    }

    #[test]
    fn a_bad_listen_address_is_reported_by_name() {
        let error = Settings::load(None, |n| (n == "DEALFLOW_LISTEN").then(|| "nowhere".to_owned())).unwrap_err();
        assert!(error.to_string().contains("DEALFLOW_LISTEN"));
    }
}
