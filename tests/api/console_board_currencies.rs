//! The board never adds one currency to another: each column and the pipeline's totals show a
//! sum and a weighted sum per currency, kept by the projector through creates, amount and
//! currency edits and moves.

use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;

use crate::console_browser::Browser;
use crate::helpers::{ADMIN_PASSWORD, spawn_app};

async fn sums(browser: &Browser, stage: u64) -> String {
    let css = format!("section.column[data-stage='{stage}'] p.sums");
    browser.client.find(Locator::Css(&css)).await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn each_column_sums_each_currency_apart_through_edits_and_moves() {
    let app = spawn_app().await;
    app.create_deal(json!({ "title": "Berlin", "amount": 2500.5, "currency": "EUR" })).await;
    app.create_deal(json!({ "title": "Boston", "amount": 35000, "currency": "USD" })).await;
    let austin = app.create_deal(json!({ "title": "Austin", "amount": 900, "currency": "USD" })).await;
    let paris = app.create_deal(json!({ "title": "Paris", "amount": 100, "currency": "USD" })).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    // Lead In weighs 10 %.
    assert_eq!(sums(&browser, 1).await, "sum 2,500.50 EUR · 36,000 USD · weighted 250.05 EUR · 3,600 USD");

    let edit = |id: &serde_json::Value| format!("/api/deals/{id}/edit");
    let paris_to_eur = json!({ "currency": "EUR", "amount": 200 });
    assert!(app.send_json(Method::PATCH, &edit(&paris["id"]), &paris_to_eur).await.status().is_success());
    let won =
        app.send_json(Method::POST, &format!("/api/deals/{}/stage", austin["id"]), &json!({ "stage_id": 5 })).await;
    assert!(won.status().is_success());

    browser.open("/board").await;
    assert_eq!(sums(&browser, 1).await, "sum 2,700.50 EUR · 35,000 USD · weighted 270.05 EUR · 3,500 USD");
    assert_eq!(sums(&browser, 5).await, "sum 900 USD · weighted 900 USD", "Won weighs 100 %");
    assert_eq!(sums(&browser, 2).await, "sum 0 · weighted 0");
    let totals = browser.client.find(Locator::Css("p.totals")).await.unwrap().text().await.unwrap();
    assert_eq!(totals, "4 deals · sum 2,700.50 EUR · 35,900 USD · weighted 270.05 EUR · 4,400 USD");
    browser.close().await;
}
