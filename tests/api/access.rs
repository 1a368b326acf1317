use api::Role;

use crate::helpers::*;

#[tokio::test]
async fn an_unauthenticated_request_to_the_api_is_401_with_a_challenge() {
    let app = spawn_app().await;

    let response = app.get("/api/users/self").await;

    assert_eq!(response.headers()["www-authenticate"], r#"Basic realm="dealflow", charset="UTF-8""#);
    assert!(response.headers().contains_key("mautic-version"));
    error_body(response, 401).await;
}

#[tokio::test]
async fn a_wrong_password_is_401() {
    let app = spawn_app().await;

    let response = app.client.get(app.url("/api/users/self")).basic_auth("admin", Some("nope")).send().await.unwrap();

    error_body(response, 401).await;
}

#[tokio::test]
async fn the_admin_sees_itself_with_basic_auth() {
    let app = spawn_app().await;

    let body = json(app.admin_get("/api/users/self").await).await;

    assert_eq!(body["username"], "admin");
    assert_eq!(body["role"]["isAdmin"], true);
}

#[tokio::test]
async fn an_analyst_reads_but_cannot_write() {
    let app = spawn_app().await;
    let password = app.add_user("ana", Role::Analyst).await;

    let read = app.client.get(app.url("/api/users/self")).basic_auth("ana", Some(&password)).send().await.unwrap();
    let write = app
        .client
        .post(app.url("/api/pipelines/new"))
        .basic_auth("ana", Some(&password))
        .json(&serde_json::json!({"name": "x"}))
        .send()
        .await
        .unwrap();

    assert_eq!(json(read).await["role"]["isAdmin"], false);
    error_body(write, 403).await;
}

#[tokio::test]
async fn a_token_issued_by_the_cli_authenticates_as_bearer() {
    let app = spawn_app().await;
    let output = app.run_cli(&["users", "token", "admin", "--name", "ci"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();

    let with_token = app.client.get(app.url("/api/users/self")).bearer_auth(&token).send().await.unwrap();
    let with_bad_token =
        app.client.get(app.url("/api/users/self")).bearer_auth(format!("{token}x")).send().await.unwrap();

    assert_eq!(json(with_token).await["username"], "admin");
    error_body(with_bad_token, 401).await;
}

#[tokio::test]
async fn users_added_by_the_cli_can_sign_in_with_the_printed_password() {
    let app = spawn_app().await;

    let output = app.run_cli(&["users", "add", "carol", "--role", "admin"]);

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let password = stdout.lines().find_map(|l| l.strip_prefix("password: ")).unwrap();
    let response = app.client.get(app.url("/api/users/self")).basic_auth("carol", Some(password)).send().await.unwrap();
    assert_eq!(json(response).await["username"], "carol");
    let again = app.run_cli(&["users", "add", "carol"]);
    assert!(!again.status.success(), "a second user of the same name is refused");
}

#[tokio::test]
async fn a_chosen_password_shorter_than_eight_characters_is_refused_by_add_and_passwd() {
    let app = spawn_app().await;

    let add = app.run_cli(&["users", "add", "dave", "--password", "short"]);
    let passwd = app.run_cli(&["users", "passwd", "admin", "--password", "short"]);

    for refused in [&add, &passwd] {
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("at least 8"), "{refused:?}");
    }
    let still = app.client.get(app.url("/api/users/self")).basic_auth("admin", Some(ADMIN_PASSWORD)).send().await;
    assert_eq!(still.unwrap().status(), 200, "the old password still works");
}
