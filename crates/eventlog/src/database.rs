//! Which database a store lives in, as `DEALFLOW_DATABASE` (or `[database] url`) names it.

use std::path::PathBuf;

/// A SQLite file or a PostgreSQL server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file: a path, or a `sqlite:` URL (`sqlite:./dealflow.db`, `sqlite:///var/lib/dealflow.db`).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL: `postgres://user:password@host:port/db` (libpq's
    /// `postgresql://` and key=value forms are taken too).
    Postgres(String),
}

impl Database {
    /// Reads a setting; anything that is not a PostgreSQL URL is a SQLite path.
    pub fn parse(setting: &str) -> Self {
        let setting = setting.trim();
        if setting.starts_with("postgres://") || setting.starts_with("postgresql://") {
            return Database::Postgres(setting.to_owned());
        }
        let path = setting.strip_prefix("sqlite://").or_else(|| setting.strip_prefix("sqlite:")).unwrap_or(setting);
        Database::Sqlite(PathBuf::from(path))
    }

    /// The SQLite file, when it is one.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match self {
            Database::Sqlite(path) => Some(path),
            Database::Postgres(_) => None,
        }
    }

    /// The setting without its password, for logs and `/ready`.
    pub fn redacted(&self) -> String {
        match self {
            Database::Sqlite(path) => path.display().to_string(),
            Database::Postgres(url) => redact_password(url),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.split_once('@') else { return url.to_owned() };
    match credentials.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::Database;

    #[test]
    fn given_postgres_urls_when_parsed_then_they_name_a_server() {
        for url in ["postgres://u@h/db", "postgresql://u@h:5433/db?sslmode=disable"] {
            assert_eq!(Database::parse(url), Database::Postgres(url.into()));
        }
    }

    #[test]
    fn given_paths_and_sqlite_urls_when_parsed_then_they_name_a_file() {
        assert_eq!(Database::parse("./dealflow.db"), Database::Sqlite("./dealflow.db".into()));
        assert_eq!(Database::parse("sqlite:data/x.db"), Database::Sqlite("data/x.db".into()));
        assert_eq!(Database::parse("sqlite:///var/lib/x.db"), Database::Sqlite("/var/lib/x.db".into()));
    }

    #[test]
    fn given_a_password_when_redacted_then_it_is_hidden() {
        assert_eq!(Database::parse("postgres://u:secret@h/db").redacted(), "postgres://u:***@h/db");
        assert_eq!(Database::parse("postgres://u@h/db").redacted(), "postgres://u@h/db");
    }
}
