//! A console form sent with a version someone else has moved past — a card's Move, a deal's Edit
//! fields, the stage editor — shows the record as it is now with a plain message, never the API's
//! 409 wording ("… as If-Match says; read it again and retry").

use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;

use crate::console_browser::{Browser, forged_post};
use crate::helpers::{ADMIN_PASSWORD, spawn_app};

const PLAIN: &str = "Someone changed this deal since you opened it; it is shown as it is now — try again.";

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").expect("a redirect").to_str().unwrap().to_owned()
}

#[tokio::test]
async fn stale_moves_and_edits_of_a_deal_show_it_as_it_is_now_with_a_plain_message() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Acme", "amount": 100 })).await;
    let (id, version) = (deal["id"].clone(), deal["version"].to_string());
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    let (cookie, csrf) = (browser.session_cookie().await, browser.csrf_token().await);
    // Someone else renames the deal after the page was drawn with its version.
    let renamed =
        app.send_json(Method::PATCH, &format!("/api/deals/{id}/edit"), &json!({ "title": "Acme (renamed)" })).await;
    assert!(renamed.status().is_success());

    let moved = forged_post(
        &app,
        &format!("/deals/{id}/stage"),
        &cookie,
        &[("csrf", &csrf), ("version", &version), ("stage_id", "2")],
    )
    .await;
    assert_eq!(moved.status(), 303, "a stale move goes back to the board");
    browser.open(&location(&moved)).await;
    let notice = browser.client.find(Locator::Id("stale")).await.expect("the notice").text().await.unwrap();
    assert_eq!(notice, format!("Acme (renamed): {PLAIN}"));
    let text = browser.text().await;
    assert!(!text.contains("If-Match") && !text.contains("409"), "no API wording: {text}");
    let card = browser.client.find(Locator::Css(&format!("article.card[data-deal='{id}']"))).await.unwrap();
    let column = card.find(Locator::XPath("ancestor::section[1]//h2")).await.unwrap().text().await.unwrap();
    assert_eq!(column, "Lead In", "the card was not moved");

    let edited = forged_post(
        &app,
        &format!("/deals/{id}/edit"),
        &cookie,
        &[("csrf", &csrf), ("version", &version), ("title", "Mine")],
    )
    .await;
    assert_eq!(edited.status(), 303, "a stale edit goes back to the deal");
    browser.open(&location(&edited)).await;
    assert_eq!(browser.client.find(Locator::Id("stale")).await.unwrap().text().await.unwrap(), PLAIN);
    let title = browser.client.find(Locator::Id("edit-title")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(title.as_deref(), Some("Acme (renamed)"), "the form shows the deal as it is now");
    assert!(!browser.text().await.contains("If-Match"));
    assert_eq!(app.get_ok(&format!("/api/deals/{id}")).await["deal"]["title"], "Acme (renamed)", "nothing overwritten");
    browser.close().await;
}

#[tokio::test]
async fn a_stale_stage_editor_shows_the_stages_as_they_are_now_with_a_plain_message() {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open("/pipelines/1/stages").await;
    let body = json!({ "name": "Partners" });
    assert!(app.send_json(Method::PATCH, "/api/pipelines/1/edit", &body).await.status().is_success());

    let button = browser.client.find(Locator::Css(".stages-editor button[type=submit]")).await.unwrap();
    browser.click_and_wait(&button).await;
    let text = browser.text().await;
    assert!(text.contains("Someone changed this pipeline since you opened it; it is shown as it is now"), "{text}");
    assert!(!text.contains("If-Match"), "no API wording: {text}");
    assert!(text.contains("Stages of Partners"), "the pipeline as it is now: {text}");
    let version = browser.client.find(Locator::Css("input[name=version]")).await.unwrap().attr("value").await.unwrap();
    let now = app.get_ok("/api/pipelines/1").await["pipeline"]["version"].to_string();
    assert_eq!(version, Some(now), "the form carries the current version, so saving again works");
    browser.close().await;
}
