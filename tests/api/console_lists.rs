//! The console never loads a whole table: the board shows at most 20 cards per column with a
//! link to the rest, and the deals list pages as `GET /api/deals` does.

use fantoccini::Locator;
use serde_json::json;

use crate::console_browser::Browser;
use crate::helpers::{ADMIN_PASSWORD, spawn_app};

#[tokio::test]
async fn a_full_column_shows_twenty_cards_and_links_to_its_deals_which_page_with_their_filters() {
    let app = spawn_app().await;
    for n in 1..=21 {
        app.create_deal(json!({ "title": format!("Deal {n:02}") })).await;
    }
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;

    assert_eq!(browser.count("section.column[data-stage='1'] article.card").await, 20, "20 cards of 21");
    let more = browser.client.find(Locator::LinkText("All 21 deals in Lead In")).await.expect("a link to the rest");
    browser.click_and_wait(&more).await;
    assert!(browser.text().await.contains("21 deals; showing 1–21"), "the stage's deals: {}", browser.text().await);

    browser.open("/deals?stage_id=1&limit=10&start=10").await;
    assert!(browser.text().await.contains("21 deals; showing 11–20"));
    assert_eq!(browser.count("table.list tbody tr").await, 10);
    let next = browser.client.find(Locator::Css("a[rel=next]")).await.unwrap();
    assert_eq!(next.attr("href").await.unwrap().as_deref(), Some("/deals?stage_id=1&limit=10&start=20"));
    browser.click_and_wait(&next).await;
    assert!(browser.text().await.contains("21 deals; showing 21–21"));
    assert_eq!(browser.count("a[rel=next]").await, 0, "the last page has no next");
    let previous = browser.client.find(Locator::Css("a[rel=prev]")).await.unwrap();
    assert_eq!(previous.attr("href").await.unwrap().as_deref(), Some("/deals?stage_id=1&limit=10&start=10"));

    browser.open("/deals?status=sideways").await;
    assert!(browser.text().await.contains("must be open, won or lost"), "the API's words for a bad filter");
    browser.close().await;
}

#[tokio::test]
async fn the_pipeline_switcher_shows_another_pipelines_stages_and_deals() {
    let app = spawn_app().await;
    let body = json!({ "name": "Partners", "stages": [{ "name": "Intro" }, { "name": "Signed", "type": "won" }] });
    let partners = app.post_ok("/api/pipelines/new", &body, 201).await["pipeline"]["id"].clone();
    app.create_deal(json!({ "title": "Reseller deal", "pipeline_id": partners })).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    assert!(!browser.text().await.contains("Reseller deal"), "the first pipeline is shown first");

    browser.client.find(Locator::Id("pipeline")).await.unwrap().select_by_label("Partners").await.unwrap();
    let show = browser.client.find(Locator::Css("form.inline button")).await.unwrap();
    browser.click_and_wait(&show).await;

    let headings: Vec<String> = {
        let mut texts = Vec::new();
        for heading in browser.client.find_all(Locator::Css("section.column h2")).await.unwrap() {
            texts.push(heading.text().await.unwrap());
        }
        texts
    };
    assert_eq!(headings, ["Intro", "Signed"]);
    assert!(browser.text().await.contains("Reseller deal"));
    browser.open("/board?pipeline_id=99").await;
    assert!(browser.text().await.contains("no such pipeline"), "an unknown pipeline is a 404 page");
    browser.close().await;
}
