//! Secrets at rest (issue 10, item 13): the database, its WAL and shared-memory files and the
//! key file are private to their owner, and hook secrets are sealed like source secrets — the
//! API still shows them to admins, a copy of the files does not.

use std::os::unix::fs::PermissionsExt;

use eventlog::StorageError;
use serde_json::json;
use server::{Application, Settings};

use crate::helpers::*;

const HOOK_SECRET: &str = "a-hook-secret-nobody-may-read-0123456789";

#[tokio::test]
async fn the_database_its_wal_and_shm_and_the_key_file_are_created_private() {
    let app = spawn_app().await;
    app.create_deal(json!({ "title": "Written through the WAL" })).await;
    if app.store.is_postgres() {
        // On PostgreSQL the node keeps nothing on its disk: no database file, no key file.
        let made: Vec<_> = std::fs::read_dir(app._dir.path()).unwrap().collect();
        assert!(made.is_empty(), "files beside a PostgreSQL node: {made:?}");
        return;
    }
    let dir = app.database_file().parent().unwrap();

    for name in ["dealflow.db", "dealflow.db-wal", "dealflow.db-shm", "dealflow.key"] {
        let mode = std::fs::metadata(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}")).permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{name} has mode {:o}", mode & 0o777);
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn a_hook_secret_is_shown_to_admins_but_not_stored_in_the_database_files() {
    let app = spawn_app().await;
    let mut body = hook_body("CRM", "http://127.0.0.1:9/hook", &["dealflow.deal.created"]);
    body["secret"] = json!(HOOK_SECRET);

    let hook = app.create_hook(body).await;

    assert_eq!(hook["secret"], HOOK_SECRET);
    assert_eq!(app.get_ok(&format!("/api/hooks/{}", hook["id"])).await["hook"]["secret"], HOOK_SECRET);
    assert!(!contains(&app.stored_bytes(), HOOK_SECRET), "the secret is in the database files");
    let source = app.create_source("Form").await;
    assert!(!contains(&app.stored_bytes(), &source.secret), "source secrets are sealed as well");
}

#[tokio::test]
async fn a_hook_secret_stored_in_plain_text_before_sealing_still_works_and_is_sealed_at_the_next_start() {
    let app = spawn_app().await;
    let hook = app.create_hook(hook_body("Old", "http://127.0.0.1:9/hook", &["dealflow.deal.created"])).await;
    let id = hook["id"].as_u64().unwrap();
    app.log
        .write(move |tx| {
            tx.sql().execute("UPDATE hooks SET secret = 'plain-old-secret' WHERE id = ?1", [id])?;
            Ok::<_, StorageError>(())
        })
        .await
        .unwrap();

    let read = app.get_ok(&format!("/api/hooks/{id}")).await;
    let mut settings = Settings::default();
    settings.server.listen = "127.0.0.1:0".into();
    app.store.configure(&mut settings);
    drop(Application::build(settings).await.expect("a second start on the same database"));

    assert_eq!(read["hook"]["secret"], "plain-old-secret");
    let stored: String = app
        .log
        .read(move |conn| {
            Ok::<_, StorageError>(conn.query_row("SELECT secret FROM hooks WHERE id = ?1", [id], |r| r.get(0))?)
        })
        .unwrap();
    assert!(stored.starts_with("sealed:") && !stored.contains("plain-old-secret"), "{stored}");
    assert_eq!(app.get_ok(&format!("/api/hooks/{id}")).await["hook"]["secret"], "plain-old-secret");
}

#[tokio::test]
async fn a_missing_key_file_is_never_replaced_while_the_database_holds_sealed_secrets() {
    let app = spawn_app().await;
    app.create_hook(hook_body("CRM", "http://127.0.0.1:9/hook", &["dealflow.deal.created"])).await;
    if app.store.is_postgres() {
        return a_node_without_a_master_key_refuses_to_start_on_postgres(&app).await;
    }
    let key_file = app.database_file().with_extension("key");
    std::fs::rename(&key_file, key_file.with_extension("key.bak")).unwrap();

    let dispatch = app.run_cli(&["dispatch"]);
    let sources = app.run_cli(&["sources", "add", "--name", "CRM"]);
    let mut settings = Settings::default();
    settings.server.listen = "127.0.0.1:0".into();
    settings.database.path = app.database_file().to_owned();
    let serve = Application::build(settings).await.err().expect("serve refuses to start").to_string();

    for (what, stderr) in [("dispatch", String::from_utf8_lossy(&dispatch.stderr).into_owned()), ("serve", serve)] {
        assert!(stderr.contains("master key file") && stderr.contains("DEALFLOW_MASTER_KEY"), "{what}: {stderr}");
    }
    assert!(!sources.status.success());
    assert!(!key_file.exists(), "no new key was made");
}

#[tokio::test]
async fn a_node_started_with_another_master_key_refuses_to_start_and_says_so() {
    let app = spawn_app().await;
    app.create_source("Form").await;

    let dispatch = app.run_cli_with(&["dispatch"], &[("DEALFLOW_MASTER_KEY", "another node's key")]);
    let mut settings = Settings::default();
    settings.server.listen = "127.0.0.1:0".into();
    app.store.configure(&mut settings);
    settings.ingest.master_key = Some(domain::values::Secret::new("another node's key"));
    let serve = Application::build(settings).await.err().expect("serve refuses to start").to_string();

    for (what, error) in [("dispatch", String::from_utf8_lossy(&dispatch.stderr).into_owned()), ("serve", serve)] {
        assert!(error.contains("master key differs") && error.contains("DEALFLOW_MASTER_KEY"), "{what}: {error}");
    }
    assert!(!dispatch.status.success());
    assert_eq!(app.run_cli(&["dispatch"]).status.code(), Some(0), "the node's own key still works");
}

/// On PostgreSQL there is no key file to lose: a node without `DEALFLOW_MASTER_KEY` (or a key
/// file it is told of) refuses to start, saying what to set, and makes no key of its own.
async fn a_node_without_a_master_key_refuses_to_start_on_postgres(app: &TestApp) {
    let dispatch = std::process::Command::new(env!("CARGO_BIN_EXE_dealflow"))
        .arg("dispatch")
        .env("DEALFLOW_DATABASE", app.store.setting())
        .env_remove("DEALFLOW_MASTER_KEY")
        .output()
        .unwrap();
    let mut settings = Settings::default();
    settings.server.listen = "127.0.0.1:0".into();
    app.store.configure(&mut settings);
    settings.ingest.master_key = None;
    let serve = Application::build(settings).await.err().expect("serve refuses to start").to_string();

    for (what, error) in [("dispatch", String::from_utf8_lossy(&dispatch.stderr).into_owned()), ("serve", serve)] {
        assert!(error.contains("no master key") && error.contains("DEALFLOW_MASTER_KEY"), "{what}: {error}");
    }
    assert!(!dispatch.status.success());
    assert!(std::fs::read_dir(app._dir.path()).unwrap().next().is_none(), "no key file was made");
}
