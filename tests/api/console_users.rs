//! The console's Users page in a real browser: an admin adds a user (the generated password is
//! shown once and signs in), changes a role, resets a password, issues and revokes a token and
//! deletes the user, all as the users API does; refusals (a taken username, demoting yourself)
//! come back beside their field in the API's words; analysts get 403 and their forged writes
//! are refused.

use api::Role;
use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;

use crate::console_browser::{Browser, forged_post};
use crate::helpers::{ADMIN_PASSWORD, error_body, spawn_app};

async fn click(browser: &Browser, css: &str) {
    let button = browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("{css} on the page"));
    browser.click_and_wait(&button).await;
}

async fn type_into(browser: &Browser, id: &str, text: &str) {
    browser.client.find(Locator::Id(id)).await.unwrap().send_keys(text).await.unwrap();
}

async fn shown_secret(browser: &Browser) -> String {
    let field = browser.client.find(Locator::Id("secret")).await.expect("a secret shown once");
    field.prop("value").await.unwrap().expect("a value")
}

async fn signs_in(app: &crate::helpers::TestApp, username: &str, password: &str) -> u16 {
    let request = app.client.get(app.url("/api/users/self")).basic_auth(username, Some(password));
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn an_admin_manages_users_and_tokens_in_the_console_as_the_api_does() {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open("/users").await;
    type_into(&browser, "username", "admin").await;
    type_into(&browser, "password", "a-chosen-password").await;
    click(&browser, ".new-user button[type=submit]").await;
    let taken = browser.client.find(Locator::Id("username-error")).await.unwrap().text().await.unwrap();
    let api = app.as_admin(Method::POST, "/api/users/new").json(&json!({ "username": "admin" })).send().await;
    let api = error_body(api.unwrap(), 422).await;
    assert_eq!(taken, api["details"]["username"][0].as_str().unwrap(), "the API's words beside the field");
    let html = browser.client.source().await.unwrap();
    assert!(!html.contains("a-chosen-password"), "a typed password is never put back into a page");
    browser.screenshot("users-form-errors").await;

    browser.client.find(Locator::Id("username")).await.unwrap().clear().await.unwrap();
    type_into(&browser, "username", "erin").await;
    click(&browser, ".new-user button[type=submit]").await;
    let password = shown_secret(&browser).await;
    assert_eq!(signs_in(&app, "erin", &password).await, 200, "the password shown once signs in");
    let erin = app.get_ok("/api/users").await["users"][1].clone();
    assert_eq!((erin["username"].as_str(), erin["role"].as_str()), (Some("erin"), Some("analyst")));
    browser.screenshot("user-created").await;

    click(&browser, "main p:last-child a").await;
    browser.client.find(Locator::Css("#role option[value=admin]")).await.unwrap().click().await.unwrap();
    click(&browser, "form.change-role button").await;
    assert_eq!(app.get_ok(&format!("/api/users/{}", erin["id"])).await["user"]["role"], "admin");

    click(&browser, "form.reset button").await;
    let reset = shown_secret(&browser).await;
    assert_eq!(signs_in(&app, "erin", &password).await, 401, "the old password stops working");
    assert_eq!(signs_in(&app, "erin", &reset).await, 200);

    browser.open(&format!("/users/{}", erin["id"])).await;
    type_into(&browser, "name", "zapier").await;
    click(&browser, "form.new-token button").await;
    let token = shown_secret(&browser).await;
    assert!(token.starts_with("dft_"), "{token}");
    let with_token = app.client.get(app.url("/api/users/self")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(with_token.status(), 200);
    browser.open(&format!("/users/{}", erin["id"])).await;
    assert!(!browser.client.source().await.unwrap().contains(&token), "the token is shown only once");
    assert_eq!(browser.count("table.tokens form.revoke").await, 1);
    browser.screenshot("user").await;
    click(&browser, "form.revoke button").await;
    let revoked = app.client.get(app.url("/api/users/self")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(revoked.status(), 401, "revoked as DELETE /api/users/{{id}}/tokens/{{token_id}}/delete does");

    click(&browser, "form.delete button").await;
    assert_eq!(browser.path().await, "/users");
    assert_eq!(app.get_ok("/api/users").await["total"], 1);
    browser.screenshot("users").await;
    browser.close().await;
}

#[tokio::test]
async fn an_admin_cannot_demote_or_delete_themselves_and_sees_why_beside_the_form() {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open("/users/1").await;

    click(&browser, "form.delete button").await;
    let why = browser.client.find(Locator::Id("delete-error")).await.unwrap().text().await.unwrap();
    let api = error_body(app.as_admin(Method::DELETE, "/api/users/1/delete").send().await.unwrap(), 409).await;
    assert_eq!(why, api["message"].as_str().unwrap());
    browser.screenshot("user-delete-refused").await;

    browser.client.find(Locator::Css("#role option[value=analyst]")).await.unwrap().click().await.unwrap();
    click(&browser, "form.change-role button").await;
    let why = browser.client.find(Locator::Id("role-error")).await.unwrap().text().await.unwrap();
    assert!(why.contains("yourself"), "{why}");
    assert_eq!(app.get_ok("/api/users/1").await["user"]["role"], "admin");
    browser.close().await;
}

#[tokio::test]
async fn analysts_get_no_users_page_and_their_forged_user_writes_are_refused() {
    let app = spawn_app().await;
    let password = app.add_user("ana", Role::Analyst).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("ana", &password).await;
    assert_eq!(browser.count("nav a[href='/users']").await, 0, "no Users entry for analysts");
    let (cookie, token) = (browser.session_cookie().await, browser.csrf_token().await);
    let page = reqwest::Client::new()
        .get(app.url("/users"))
        .header("Cookie", format!("dealflow_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    assert_eq!(
        reqwest::Client::new()
            .get(app.url("/users/1"))
            .header("Cookie", format!("dealflow_session={cookie}"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    let forged: &[(&str, &[(&str, &str)])] = &[
        ("/users/new", &[("username", "mallory"), ("role", "admin")]),
        ("/users/1/role", &[("role", "analyst")]),
        ("/users/1/password/reset", &[]),
        ("/users/1/tokens/new", &[("name", "mine")]),
        ("/users/1/tokens/1/revoke", &[]),
        ("/users/1/delete", &[]),
    ];
    for (path, fields) in forged {
        let mut fields = fields.to_vec();
        fields.push(("csrf", &token));
        assert_eq!(forged_post(&app, path, &cookie, &fields).await.status(), 403, "{path}");
    }
    let users = app.get_ok("/api/users").await;
    assert_eq!((users["total"].clone(), users["users"][0]["role"].clone()), (json!(2), json!("admin")));
    assert_eq!(app.get_ok("/api/users/1/tokens").await["total"], 0);
    assert_eq!(signs_in(&app, "admin", ADMIN_PASSWORD).await, 200, "the admin's password was not reset");

    // Deleted through the API, the analyst's console session ends with the user.
    assert_eq!(app.as_admin(Method::DELETE, "/api/users/2/delete").send().await.unwrap().status(), 200);
    let after = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let board = after.get(app.url("/board")).header("Cookie", format!("dealflow_session={cookie}")).send().await;
    let board = board.unwrap();
    assert_eq!(board.status(), 303, "sent to sign in again");
    assert!(board.headers()["location"].to_str().unwrap().starts_with("/login"));
    browser.close().await;
}
