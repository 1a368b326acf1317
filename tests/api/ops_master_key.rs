//! `dealflow master-key rotate` (issue 14, operations): every stored secret is sealed again with
//! the new key in one transaction; nodes started with the new key open them, a node with the old
//! key refuses to start. On SQLite the key file is replaced; on PostgreSQL the key is configured.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::served::Served;

const NEW_KEY: &str = "bmV3LW1hc3Rlci1rZXktbmV3LW1hc3Rlci1rZXktMzI=";
const HOOK_SECRET: &str = "a-hook-secret-kept-across-the-rotation-0123";

/// The key this installation runs on now: the key file's on SQLite, the configured one else.
fn current_key(app: &TestApp) -> String {
    match app.store.sqlite_path() {
        Some(path) => std::fs::read_to_string(path.with_extension("key")).unwrap().trim().to_owned(),
        None => crate::test_store::TEST_MASTER_KEY.to_owned(),
    }
}

/// Every sealed value stored: the sources' secrets and the master key check.
fn sealed_columns(app: &TestApp) -> Vec<String> {
    let sql = "SELECT secret FROM sources UNION ALL SELECT sealed FROM master_key_check";
    app.log
        .read(|conn| {
            let rows = conn.prepare(sql)?.query_map([], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok::<_, eventlog::StorageError>(rows)
        })
        .unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_rotated_master_key_opens_every_secret_and_the_old_key_is_refused() {
    let app = spawn_app().await;
    let source = app.create_source("Form").await;
    let mut body = hook_body("CRM", "http://127.0.0.1:9/hook", &["dealflow.deal.created"]);
    body["secret"] = json!(HOOK_SECRET);
    let hook = app.create_hook(body).await;
    let old_key = current_key(&app);

    let rotated = app.run_cli_with(&["master-key", "rotate"], &[("DEALFLOW_NEW_MASTER_KEY", NEW_KEY)]);

    assert!(rotated.status.success(), "{}", stderr(&rotated));
    assert!(stderr(&rotated).contains("sealed 1 source secret(s) and 1 hook secret(s) again"), "{}", stderr(&rotated));
    assert_eq!(current_key(&app), if app.store.is_postgres() { old_key.clone() } else { NEW_KEY.to_owned() });
    let with_old = app.run_cli_with(&["dispatch"], &[("DEALFLOW_MASTER_KEY", &old_key)]);
    assert!(stderr(&with_old).contains("master key differs"), "{}", stderr(&with_old));

    let mut env = app.store.env();
    env.retain(|(name, _)| *name != "DEALFLOW_MASTER_KEY");
    env.push(("DEALFLOW_MASTER_KEY", NEW_KEY.into()));
    let node = Served::start(env);
    let base = node.address();
    let payload = json!({ "title": "Signed with the source's secret" }).to_string();
    let received = app
        .client
        .post(format!("{base}/deal-flow/settings/inbound-webhooks/{}/receive", source.id))
        .header("Content-Type", "application/json")
        .header("X-DealFlow-Signature", sign(&source.secret, payload.as_bytes()))
        .body(payload)
        .send()
        .await
        .unwrap();
    assert_eq!(received.status(), 201, "the source's secret still verifies");
    let read = app.client.get(format!("{base}/api/hooks/{}", hook["id"])).basic_auth("admin", Some(ADMIN_PASSWORD));
    let read: Value = json(read.send().await.unwrap()).await;
    assert_eq!(read["hook"]["secret"], HOOK_SECRET, "the hook's secret opens with the new key");
}

#[tokio::test]
async fn a_rotation_that_cannot_open_a_secret_changes_nothing() {
    let app = spawn_app().await;
    app.create_source("Form").await;
    let old_key = current_key(&app);
    let before = sealed_columns(&app);

    let wrong = app.run_cli_with(
        &["master-key", "rotate"],
        &[("DEALFLOW_MASTER_KEY", "not the key it was sealed with"), ("DEALFLOW_NEW_MASTER_KEY", NEW_KEY)],
    );

    assert!(!wrong.status.success());
    assert!(stderr(&wrong).contains("master key differs"), "{}", stderr(&wrong));
    assert_eq!(sealed_columns(&app), before, "nothing was sealed again");
    assert_eq!(current_key(&app), old_key);
}

#[tokio::test]
async fn a_key_file_only_takes_a_raw_key_and_a_generated_one_is_written_to_it() {
    let app = spawn_app().await;
    let Some(path) = app.store.sqlite_path().map(|p| p.with_extension("key")) else {
        // PostgreSQL has no key file: the generated key is printed once instead.
        let rotated = app.run_cli(&["master-key", "rotate"]);
        let printed = String::from_utf8_lossy(&rotated.stdout).trim().to_owned();
        assert!(rotated.status.success() && printed.len() == 44, "{printed:?} {}", stderr(&rotated));
        let with_printed = app.run_cli_with(&["dispatch"], &[("DEALFLOW_MASTER_KEY", &printed)]);
        assert!(with_printed.status.success(), "{}", stderr(&with_printed));
        return;
    };
    let old_key = current_key(&app);

    let passphrase = app.run_cli_with(&["master-key", "rotate"], &[("DEALFLOW_NEW_MASTER_KEY", "a passphrase")]);
    assert!(stderr(&passphrase).contains("base64 of 32 bytes"), "{}", stderr(&passphrase));
    assert_eq!(current_key(&app), old_key);

    let generated = app.run_cli(&["master-key", "rotate"]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    assert!(generated.stdout.is_empty(), "the key stays in its file, never on the terminal");
    assert_ne!(current_key(&app), old_key);
    assert!(app.run_cli(&["dispatch"]).status.success(), "the new key file opens the database");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
}
