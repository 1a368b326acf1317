//! Start-up and the CLI never leave half a setup (issue 10, item 7): the configuration is checked
//! whole before anything is created, a configured admin password that cannot apply says so, the
//! commands other than `serve` and `migrate` never create a database, and `sources add` shows
//! the endpoint under `public_url` as the server does.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use server::{Application, Settings};

use crate::helpers::*;
use crate::served::Served;
use crate::test_store::TestStore;

fn dealflow(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dealflow"))
        .args(args)
        .current_dir(dir)
        .env("DEALFLOW_DATABASE", dir.join("dealflow.db"))
        .env("DEALFLOW_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("dealflow runs")
}

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

#[tokio::test]
async fn an_invalid_configuration_is_refused_whole_before_any_file_key_or_user_exists() {
    let dir = tempfile::tempdir().unwrap();

    let output = dealflow(
        dir.path(),
        &["serve"],
        &[
            ("DEALFLOW_QUEUE_MODE", "sometimes"),
            ("DEALFLOW_PUBLIC_URL", "deals.example.com"),
            ("DEALFLOW_ADMIN_PASSWORD", "short"),
        ],
    );

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for setting in ["queue_mode", "public_url", "DEALFLOW_ADMIN_PASSWORD"] {
        assert!(stderr.contains(setting), "every problem at once, {setting} too: {stderr}");
    }
    assert!(files_in(dir.path()).is_empty(), "nothing created: {:?}", files_in(dir.path()));
}

#[tokio::test]
async fn an_address_already_in_use_leaves_no_database_behind() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.server.listen = taken.local_addr().unwrap().to_string();
    settings.database.path = dir.path().join("dealflow.db");

    let built = Application::build(settings).await;

    assert!(built.is_err());
    assert!(files_in(dir.path()).is_empty(), "nothing created: {:?}", files_in(dir.path()));
}

#[tokio::test]
async fn a_configured_admin_password_on_a_database_with_users_is_ignored_with_a_warning() {
    let app = spawn_app().await;

    let warned = serve_until_line(&app.store, "ignored").await;
    assert!(warned.contains("DEALFLOW_ADMIN_PASSWORD") && warned.contains("dealflow users passwd admin"), "{warned}");
    let still = app.client.get(app.url("/api/users/self")).basic_auth("admin", Some(ADMIN_PASSWORD)).send().await;
    assert_eq!(still.unwrap().status(), 200, "the first password still works");
}

/// Runs `dealflow serve` on `store` with another admin password until its log has a line
/// containing `needle`; answers that line.
async fn serve_until_line(store: &TestStore, needle: &str) -> String {
    let mut env = store.env();
    env.push(("DEALFLOW_ADMIN_PASSWORD", "another-password".into()));
    let served = Served::start(env);
    let needle = needle.to_owned();
    tokio::task::spawn_blocking(move || served.wait_for_line(&needle)).await.unwrap()
}

#[tokio::test]
async fn commands_other_than_serve_and_migrate_refuse_to_create_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let commands: &[&[&str]] = &[
        &["users", "add", "carol"],
        &["users", "passwd", "admin"],
        &["users", "token", "admin"],
        &["sources", "add", "--name", "CRM"],
        &["dispatch"],
        &["events", "export"],
        &["projections", "rebuild"],
    ];
    let wanted = std::path::absolute(dir.path().join("dealflow.db")).unwrap();

    for command in commands {
        let output = dealflow(dir.path(), command, &[]);

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{command:?} must fail");
        for part in [wanted.to_str().unwrap(), "--config", "DEALFLOW_DATABASE"] {
            assert!(stderr.contains(part), "{command:?} names {part}: {stderr}");
        }
        assert!(files_in(dir.path()).is_empty(), "{command:?} created {:?}", files_in(dir.path()));
    }
    let migrated = dealflow(dir.path(), &["migrate"], &[]);
    assert!(migrated.status.success() && dir.path().join("dealflow.db").exists());
}

#[tokio::test]
async fn sources_add_prints_the_endpoint_under_public_url_as_the_server_does() {
    let app = spawn_app_with(|settings| settings.server.public_url = Some("https://deals.example.com/".into())).await;

    let output = app
        .run_cli_with(&["sources", "add", "--name", "CRM"], &[("DEALFLOW_PUBLIC_URL", "https://deals.example.com/")]);

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let printed = stdout.lines().find_map(|line| line.strip_prefix("endpoint: ")).expect("an endpoint line").trim();
    let id = stdout.split_whitespace().nth(2).unwrap();
    let shown = app.get_ok(&format!("/api/sources/{id}")).await["source"]["endpoint_url"].clone();
    assert_eq!(printed, shown.as_str().unwrap());
    assert!(printed.starts_with("https://deals.example.com/deal-flow/"), "{printed}");
}
