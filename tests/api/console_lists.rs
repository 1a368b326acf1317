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
