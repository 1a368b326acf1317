//! A failing hook's next retry is shown where people look for it — the webhooks list, the
//! webhook's health and the delivery log's header — at the time `dealflow dispatch` reports the
//! hook "waiting" until, with a line saying what waits behind it and when Resend appears.

use fantoccini::Locator;
use serde_json::json;

use crate::console_browser::Browser;
use crate::helpers::{ADMIN_PASSWORD, hook_body, spawn_driven_app};
use crate::receiver::{Receiver, Reply};

#[tokio::test]
async fn a_failing_hooks_next_retry_is_shown_in_its_health_and_its_delivery_log() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "retry_schedule": [600] })).await;
    let hook = app.create_hook(hook_body("Warehouse", &receiver.url, &["dealflow.deal.created"])).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open("/hooks").await;
    assert_eq!(browser.count(".next-retry").await, 0, "no retry before a failure");

    receiver.script([Reply::status(500)]);
    app.create_deal(json!({ "title": "Acme" })).await;
    app.dispatcher.step().await.unwrap();
    let report = app.dispatcher.step().await.unwrap();
    let until = report.waiting.first().expect("dispatch reports the hook waiting").until;
    let shown = format!("next retry at {}", until.format("%Y-%m-%d %H:%M UTC"));

    browser.open("/hooks").await;
    let row = browser.client.find(Locator::Css(&format!("tr[data-hook='{}']", hook["id"]))).await.unwrap();
    let row = row.text().await.unwrap();
    assert!(row.contains("failing") && row.contains(&shown), "the list: {row}");
    browser.open(&format!("/hooks/{}", hook["id"])).await;
    let text = browser.text().await;
    assert!(text.contains(&shown), "the webhook's health: {text}");
    assert!(text.contains("newer events wait behind it"), "what waits: {text}");
    browser.screenshot("hook-retry").await;
    browser.open(&format!("/hooks/{}/logs", hook["id"])).await;
    let header = browser.client.find(Locator::Id("next-retry")).await.expect("the log's header").text().await.unwrap();
    assert!(header.contains(&shown), "{header}");
    assert!(browser.text().await.contains("the attempt gets a Resend button"), "when Resend appears");
    assert_eq!(browser.count("form.resend").await, 0, "no Resend while a retry is left");
    browser.close().await;
}
