//! The console's sign-in in a real browser: a session after the right password, an error after a
//! wrong one, throttling after five failures, and CSRF tokens required on every POST.

use serde_json::json;

use crate::console_browser::{Browser, forged_post};
use crate::helpers::{ADMIN_PASSWORD, spawn_app};

#[tokio::test]
async fn an_admin_signs_in_with_the_login_form_and_reaches_the_board() {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;

    browser.open("/").await;
    assert_eq!(browser.path().await, "/login", "without a session the console asks to sign in");
    browser.screenshot("login").await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;

    assert_eq!(browser.path().await, "/board");
    let text = browser.text().await;
    assert!(text.contains("Sign out") && text.contains("admin"), "signed in as admin: {text}");
    assert!(!browser.client.current_url().await.unwrap().as_str().contains(ADMIN_PASSWORD), "no password in URLs");
    assert!(!browser.client.source().await.unwrap().contains(ADMIN_PASSWORD), "no password in pages");
    let cookie = browser.session_cookie().await;

    let sign_out = browser.client.find(fantoccini::Locator::Css("form.signout button")).await.unwrap();
    browser.click_and_wait(&sign_out).await;
    assert_eq!(browser.path().await, "/login", "signed out");
    let old = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let answer =
        old.get(app.url("/board")).header("Cookie", format!("dealflow_session={cookie}")).send().await.unwrap();
    assert_eq!(answer.status(), 303, "the ended session's cookie no longer opens pages");
    assert_eq!(answer.headers()["location"], "/login?next=%2Fboard");
    browser.close().await;
}

#[tokio::test]
async fn signing_in_returns_to_the_page_asked_for_and_never_to_another_site() {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;

    browser.open("/deals?search=Acme").await;
    assert_eq!(browser.path().await, "/login", "asked to sign in first");
    browser.submit_login("admin", ADMIN_PASSWORD).await;
    let url = browser.client.current_url().await.unwrap();
    assert_eq!((url.path(), url.query()), ("/deals", Some("search=Acme")), "back on the page asked for");

    let other = Browser::start(&app).await;
    other.open("/login?next=//evil.example/").await;
    other.submit_login("admin", ADMIN_PASSWORD).await;
    let url = other.client.current_url().await.unwrap();
    assert_eq!((url.host_str(), url.path()), (Some("127.0.0.1"), "/board"), "another site is never followed");
    browser.close().await;
    other.close().await;
}

#[tokio::test]
async fn a_wrong_password_shows_an_error_and_the_sixth_rapid_failure_is_throttled_even_with_the_right_one() {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;

    for attempt in 1..=5 {
        browser.sign_in("admin", "not-the-password").await;
        let text = browser.text().await;
        assert!(text.contains("Wrong username or password."), "attempt {attempt}: {text}");
    }
    browser.screenshot("login-error").await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;

    assert_eq!(browser.path().await, "/login", "the sixth attempt is not checked at all");
    let text = browser.text().await;
    assert!(text.contains("Too many failed sign-ins"), "throttled: {text}");
    assert!(browser.client.get_named_cookie("dealflow_session").await.is_err(), "and no session started");
    browser.close().await;
}

#[tokio::test]
async fn every_console_post_without_or_with_a_wrong_csrf_token_is_refused_403() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Kept in place" })).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    let cookie = browser.session_cookie().await;
    let head = app.head();
    let move_path = format!("/deals/{}/stage", deal["id"]);

    for path in [move_path.as_str(), "/logout"] {
        let missing = forged_post(&app, path, &cookie, &[("stage_id", "5")]).await;
        assert_eq!(missing.status(), 403, "{path} without a token");
        assert!(
            missing.text().await.unwrap().contains("did not come from this console"),
            "{path}: an HTML page says why"
        );
        let wrong = forged_post(&app, path, &cookie, &[("stage_id", "5"), ("csrf", "0123")]).await;
        assert_eq!(wrong.status(), 403, "{path} with a wrong token");
    }
    let login = forged_post(&app, "/login", &cookie, &[("username", "admin"), ("password", ADMIN_PASSWORD)]).await;
    assert_eq!(login.status(), 403, "the login form needs its token too");

    assert_eq!(app.head(), head, "nothing was written");
    browser.open("/board").await;
    assert_eq!(browser.path().await, "/board", "and the refused /logout did not end the session");
    browser.close().await;
}
