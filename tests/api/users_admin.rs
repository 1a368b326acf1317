//! The users API and CLI (issue 12, "Users (admin)"): list, add, change role, reset a password,
//! delete, and list, issue and revoke tokens; the last admin and yourself cannot be deleted or
//! demoted, and a revoked token or a deleted user no longer authenticates.

use api::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

async fn send(app: &TestApp, method: Method, path: &str, body: Value) -> reqwest::Response {
    app.as_admin(method, path).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn an_admin_adds_lists_edits_and_deletes_users_through_the_api() {
    let app = spawn_app().await;

    let created = send(&app, Method::POST, "/api/users/new", json!({ "username": "bea", "role": "analyst" })).await;
    assert_eq!(created.status(), 201);
    let created = json(created).await;
    let (id, password) = (created["user"]["id"].as_u64().unwrap(), created["password"].as_str().unwrap().to_owned());
    let me = app.client.get(app.url("/api/users/self")).basic_auth("bea", Some(&password)).send().await.unwrap();
    assert_eq!(json(me).await["dealflowRole"], "analyst", "the generated password signs in");

    let list = app.get_ok("/api/users").await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["users"][1]["username"], "bea");
    assert!(!list.to_string().contains("argon2"), "no hash is listed: {list}");
    assert_eq!(app.get_ok("/api/users?search=be").await["total"], 1);
    let taken = send(&app, Method::POST, "/api/users/new", json!({ "username": "BEA" })).await;
    assert!(error_body(taken, 422).await["details"]["username"][0].as_str().unwrap().contains("taken"));

    let promoted = send(&app, Method::PATCH, &format!("/api/users/{id}/edit"), json!({ "role": "admin" })).await;
    assert_eq!(json(promoted).await["user"]["role"], "admin");
    let reset = json(send(&app, Method::POST, &format!("/api/users/{id}/password/reset"), json!({})).await).await;
    let new_password = reset["password"].as_str().unwrap();
    let old = app.client.get(app.url("/api/users/self")).basic_auth("bea", Some(&password)).send().await.unwrap();
    error_body(old, 401).await;
    let new = app.client.get(app.url("/api/users/self")).basic_auth("bea", Some(new_password)).send().await.unwrap();
    assert_eq!(new.status(), 200);

    let deleted = send(&app, Method::DELETE, &format!("/api/users/{id}/delete"), json!({})).await;
    assert_eq!(json(deleted).await["user"]["username"], "bea");
    let gone = app.client.get(app.url("/api/users/self")).basic_auth("bea", Some(new_password)).send().await.unwrap();
    error_body(gone, 401).await;
    error_body(app.admin_get(&format!("/api/users/{id}")).await, 404).await;
}

#[tokio::test]
async fn nobody_deletes_or_demotes_themselves_and_the_last_admin_stays() {
    let app = spawn_app().await;
    let password = app.add_user("carl", Role::Admin).await;

    let myself = send(&app, Method::DELETE, "/api/users/1/delete", json!({})).await;
    assert!(error_body(myself, 409).await["message"].as_str().unwrap().contains("yourself"));
    let demote = send(&app, Method::PATCH, "/api/users/1/edit", json!({ "role": "analyst" })).await;
    assert!(error_body(demote, 422).await["details"]["role"][0].as_str().unwrap().contains("yourself"));

    // carl deletes admin; then carl is the last admin, and the CLI (no "yourself") keeps him too.
    let by_carl = app.client.delete(app.url("/api/users/1/delete")).basic_auth("carl", Some(&password));
    assert_eq!(by_carl.send().await.unwrap().status(), 200);
    let cli = app.run_cli(&["users", "delete", "carl"]);
    assert!(!cli.status.success());
    assert!(String::from_utf8_lossy(&cli.stderr).contains("the last admin"), "{cli:?}");
}

#[tokio::test]
async fn tokens_are_listed_without_their_secret_and_a_revoked_one_stops_working() {
    let app = spawn_app().await;
    let issued = send(&app, Method::POST, "/api/users/1/tokens/new", json!({ "name": "zapier" })).await;
    assert_eq!(issued.status(), 201);
    let issued = json(issued).await;
    let (token_id, value) = (issued["token"]["id"].as_u64().unwrap(), issued["value"].as_str().unwrap().to_owned());
    let secret = value.rsplit('_').next().unwrap().to_owned();

    let listed = app.get_ok("/api/users/1/tokens").await;
    assert_eq!((listed["total"].clone(), listed["tokens"][0]["name"].clone()), (json!(1), json!("zapier")));
    assert!(!listed.to_string().contains(&secret), "the secret is shown only once");
    let with_token = app.client.get(app.url("/api/users/self")).bearer_auth(&value).send().await.unwrap();
    assert_eq!(with_token.status(), 200);

    let path = format!("/api/users/1/tokens/{token_id}/delete");
    assert_eq!(json(send(&app, Method::DELETE, &path, json!({})).await).await["token"]["id"], token_id);
    let revoked = app.client.get(app.url("/api/users/self")).bearer_auth(&value).send().await.unwrap();
    error_body(revoked, 401).await;
    error_body(send(&app, Method::DELETE, &path, json!({})).await, 404).await;
    error_body(app.admin_get("/api/users/9/tokens").await, 404).await;
}

#[tokio::test]
async fn the_cli_lists_users_and_tokens_revokes_a_token_and_deletes_a_user() {
    let app = spawn_app().await;
    app.add_user("dora", Role::Analyst).await;
    let token = app.run_cli(&["users", "token", "dora", "--name", "sheets"]);
    assert!(token.status.success(), "{token:?}");
    let value = String::from_utf8(token.stdout).unwrap().trim().to_owned();

    let list = String::from_utf8(app.run_cli(&["users", "list"]).stdout).unwrap();
    assert!(list.contains("dora") && list.contains("analyst") && list.contains("admin"), "{list}");
    let tokens = String::from_utf8(app.run_cli(&["users", "tokens", "dora"]).stdout).unwrap();
    let token_id = tokens.lines().find(|l| l.contains("sheets")).unwrap().split_whitespace().next().unwrap().to_owned();
    assert!(!tokens.contains(value.rsplit('_').next().unwrap()), "{tokens}");

    let revoke = app.run_cli(&["users", "revoke", "dora", &token_id]);
    assert!(revoke.status.success(), "{revoke:?}");
    let bearer = app.client.get(app.url("/api/users/self")).bearer_auth(&value).send().await.unwrap();
    error_body(bearer, 401).await;
    let delete = app.run_cli(&["users", "delete", "dora"]);
    assert!(delete.status.success(), "{delete:?}");
    assert_eq!(app.get_ok("/api/users").await["total"], 1);
    let unknown = app.run_cli(&["users", "delete", "nobody"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user named"), "{unknown:?}");
}
