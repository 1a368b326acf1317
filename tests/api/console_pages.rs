//! The console's remaining rough edges for a newcomer: an unknown path is a console page (not
//! the API's JSON) for a signed-in user; a signed-out error page links to sign-in; a deal page
//! links its contacts and names its source; an emptied title is refused beside its field.

use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;

use crate::console_browser::Browser;
use crate::helpers::{ADMIN_PASSWORD, error_body, spawn_app};

#[tokio::test]
async fn an_unknown_path_is_a_console_page_when_signed_in_and_the_apis_404_otherwise() {
    let app = spawn_app().await;
    let anonymous = reqwest::get(app.url("/no-such-page")).await.unwrap();
    assert_eq!(anonymous.status(), 404);
    assert!(anonymous.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "API clients");

    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open("/no-such-page").await;
    let text = browser.text().await;
    assert!(text.contains("404 Not Found") && text.contains("There is no page at /no-such-page."), "{text}");
    assert_eq!(browser.count("nav a[href='/hooks']").await, 1, "the console's navigation");
    assert!(browser.count("a[href='/board']").await >= 1, "a way back");
    browser.close().await;
}

#[tokio::test]
async fn a_signed_out_forbidden_page_links_to_sign_in() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let refused = client
        .post(app.url("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("username=admin&password=wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "a sign-in without the form's token");
    let page = refused.text().await.unwrap();
    assert!(page.contains("<a href=\"/login\">Sign in</a>"), "a link to sign in: {page}");
}

#[tokio::test]
async fn a_deal_page_links_its_contacts_names_its_source_and_refuses_an_emptied_title_beside_it() {
    let app = spawn_app().await;
    let source = app.create_source("Website").await;
    let body =
        json!({ "title": "Acme", "amount": 10, "contact": { "email": "jane@acme.example", "first_name": "Jane" } });
    assert!(app.post_inbound(&source, &body).await.status().is_success());
    let deal = app.get_ok("/api/deals?search=Acme").await["deals"][0].clone();
    let contact = &deal["contacts"][0];
    assert_eq!(contact["email"], "jane@acme.example", "the inbound deal has its contact: {deal}");
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open(&format!("/deals/{}", deal["id"])).await;

    let link = browser.client.find(Locator::Css(&format!("a[href='/contacts/{}']", contact["id"]))).await;
    browser.click_and_wait(&link.expect("the contact links to its page")).await;
    assert!(browser.text().await.contains("jane@acme.example"));
    browser.open(&format!("/deals/{}", deal["id"])).await;
    let source_link = browser.client.find(Locator::Css(&format!("a[href='/sources/{}']", deal["source_id"]))).await;
    assert_eq!(source_link.expect("the source links to its page").text().await.unwrap(), "Website");
    assert!(!browser.text().await.contains("Source: 1"));

    let api = app.send_json(Method::PATCH, &format!("/api/deals/{}/edit", deal["id"]), &json!({ "title": "" })).await;
    let words = error_body(api, 422).await["details"]["title"][0].as_str().unwrap().to_owned();
    browser.client.find(Locator::Css("details summary")).await.unwrap().click().await.unwrap();
    browser.client.find(Locator::Id("edit-title")).await.unwrap().clear().await.unwrap();
    let save = browser.client.find(Locator::Css("form.deal-edit button[type=submit]")).await.unwrap();
    browser.click_and_wait(&save).await;
    let beside =
        browser.client.find(Locator::Id("edit-title-error")).await.expect("the title's error").text().await.unwrap();
    assert_eq!(beside, words, "the API's words, next to the field");
    assert_eq!(app.get_ok(&format!("/api/deals/{}", deal["id"])).await["deal"]["title"], "Acme", "nothing saved");
    browser.close().await;
}
