//! The whole configuration checked at once, before anything is created: no database file, key
//! file or user comes into being for a configuration that `serve` would then refuse.

use domain::values::Currency;

use crate::auth::passwords::check_chosen_password;
use crate::settings::{Settings, SettingsError};

impl Settings {
    /// Every problem of the configuration, or `Ok` when `serve` can start with it. Creates nothing.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let problems = problems(self);
        if problems.is_empty() { Ok(()) } else { Err(SettingsError::Problems(problems)) }
    }
}

fn problems(settings: &Settings) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(error) = settings.server.listen_addr() {
        problems.push(error.to_string());
    }
    if let Some((url, problem)) =
        settings.server.public_url.as_ref().and_then(|url| Some((url, public_url_problem(url)?)))
    {
        problems.push(format!("server.public_url / DEALFLOW_PUBLIC_URL {url:?} {problem}"));
    }
    if settings.database.readers == 0 {
        problems.push("database.readers must be at least 1".into());
    }
    if settings.database.max_batch == 0 {
        problems.push("database.max_batch must be at least 1".into());
    }
    let database = settings.database.database();
    if database.sqlite_path().is_some_and(|path| path.as_os_str().is_empty()) {
        problems.push("database.path / DEALFLOW_DATABASE must name a file".into());
    }
    if let Some(Err(problem)) = settings.auth.admin_password.as_ref().map(|p| check_chosen_password(p.expose())) {
        problems.push(format!("auth.admin_password / DEALFLOW_ADMIN_PASSWORD {problem}"));
    }
    if let Err(error) = Currency::parse(&settings.ingest.default_currency) {
        problems.push(format!("ingest.default_currency {:?} {error}", settings.ingest.default_currency));
    }
    if let Err(error) = ingest::secrets::check_key(&settings.ingest, database.sqlite_path()) {
        problems.push(error.to_string());
    }
    if let Err(errors) = dispatcher::delivery::DeliverySettings::from_config(&settings.webhooks) {
        problems.push(format!("[webhooks] {errors}"));
    }
    problems
}

/// Why a public URL cannot be the base of the URLs shown to users, if it cannot.
fn public_url_problem(url: &str) -> Option<&'static str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        None => Some("must start with http:// or https://"),
        Some(rest) if rest.trim_end_matches('/').is_empty() => Some("has no host"),
        Some(_) if url.chars().any(|c| c.is_whitespace() || c.is_control()) => Some("contains spaces"),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid() {
        Settings::default().validate().unwrap();
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut settings = Settings::default();
        settings.server.public_url = Some("example.com".into());
        settings.ingest.default_currency = "EURO".into();
        settings.webhooks.queue_mode = "sometimes".into();
        let message = settings.validate().unwrap_err().to_string();
        for part in ["public_url", "default_currency", "queue_mode", "nothing was created"] {
            assert!(message.contains(part), "{part} in {message}");
        }
    }
}
