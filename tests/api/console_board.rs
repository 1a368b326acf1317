//! The console's board, deals list and deal page in a real browser: a deal sent by a signed
//! inbound webhook shows on the board, its Move form runs the API's stage change (so hooks get
//! `dealflow.deal.won`), and analysts get no move control and have forged moves refused.

use api::Role;
use fantoccini::Locator;
use serde_json::json;

use crate::console_browser::{Browser, forged_post};
use crate::helpers::{ADMIN_PASSWORD, hook_body, spawn_app};
use crate::receiver::Receiver;

/// The card of the deal titled `title`, found by its link's text.
fn card(title: &str) -> Locator<'_> {
    Locator::XPath(Box::leak(
        format!("//article[contains(@class,'card')][a[normalize-space()='{title}']]").into_boxed_str(),
    ))
}

#[tokio::test]
async fn a_deal_from_a_signed_webhook_shows_on_the_board_without_a_reload_and_moving_it_to_won_notifies_the_receiver() {
    let (app, receiver) = (spawn_app().await, Receiver::start().await);
    app.create_hook(hook_body("Won deals", &receiver.url, &["dealflow.deal.won"])).await;
    let source = app.create_source("Website").await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    assert!(!browser.text().await.contains("Acme Corp - Enterprise"), "not on the board yet");

    // A mark on this page's window: it survives only as long as the page is not reloaded.
    browser.client.execute("window.notReloaded = true; return null;", vec![]).await.unwrap();

    let answer = app
        .post_inbound(&source, &json!({ "title": "Acme Corp - Enterprise", "amount": 15000, "currency": "USD" }))
        .await;
    assert!(answer.status().is_success(), "the signed webhook is accepted");

    let waiting = browser.client.wait().at_most(std::time::Duration::from_secs(10));
    let found = waiting.for_element(card("Acme Corp - Enterprise")).await.expect("the deal's card, live");
    let mark = browser.client.execute("return window.notReloaded === true;", vec![]).await.unwrap();
    assert_eq!(mark, json!(true), "the card came in without a reload");
    let column = found.find(Locator::XPath("ancestor::section[1]//h2")).await.unwrap().text().await.unwrap();
    assert_eq!(column, "Lead In", "a new deal starts in the first stage");
    let board = app.get_ok("/api/pipelines/1/board").await;
    let lead_in = &board["board"]["stages"][0];
    assert_eq!(
        (lead_in["amount_sum"].to_string(), lead_in["weighted_amount"].to_string()),
        ("15000".into(), "1500".into())
    );
    let shown = "sum 15,000 USD · weighted 1,500 USD";
    assert!(browser.text().await.contains(shown), "the column shows the API's figures, in their currency");
    browser.screenshot("board").await;

    found.find(Locator::Css("select[name=stage_id]")).await.unwrap().select_by_label("Won").await.unwrap();
    browser.click_and_wait(&found.find(Locator::Css("form.move button")).await.unwrap()).await;

    assert_eq!(browser.path().await, "/board", "back on the board after the move");
    let moved = browser.client.find(card("Acme Corp - Enterprise")).await.unwrap();
    let column = moved.find(Locator::XPath("ancestor::section[1]//h2")).await.unwrap().text().await.unwrap();
    assert_eq!(column, "Won");
    let received = receiver.wait_for(1).await;
    let won = &received[0].json()["dealflow.deal.won"][0];
    assert_eq!(won["deal"]["title"], "Acme Corp - Enterprise", "the receiver got dealflow.deal.won: {won}");
    assert_eq!(won["changed_by"]["name"], "admin", "as the signed-in user: {won}");

    browser.open("/deals?search=Acme").await;
    assert!(browser.text().await.contains("1 deal;"), "the list searches as GET /api/deals does");
    browser.screenshot("deals").await;
    browser.click_and_wait(&browser.client.find(Locator::LinkText("Acme Corp - Enterprise")).await.unwrap()).await;
    let text = browser.text().await;
    assert!(text.contains("deal.stage_changed") && text.contains("deal.created"), "the history timeline: {text}");
    browser.screenshot("deal").await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.open("/board").await;
    browser.screenshot("board-phone").await;
    browser.close().await;
}

#[tokio::test]
async fn an_analyst_sees_no_move_control_and_a_forged_move_with_a_valid_token_is_refused_403() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Read only" })).await;
    let password = app.add_user("ann", Role::Analyst).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("ann", &password).await;

    assert!(browser.client.find(card("Read only")).await.is_ok(), "analysts see the board");
    assert_eq!(browser.count("form.move").await, 0, "but no move control");
    assert_eq!(browser.count("[draggable=true]").await, 0, "and no draggable card");
    browser.screenshot("board-analyst").await;
    let (cookie, token) = (browser.session_cookie().await, browser.csrf_token().await);
    let head = app.head();

    let path = format!("/deals/{}/stage", deal["id"]);
    let forged = forged_post(&app, &path, &cookie, &[("csrf", &token), ("stage_id", "5")]).await;

    assert_eq!(forged.status(), 403);
    assert!(forged.text().await.unwrap().contains("read-only"), "the page says why, in the API's words");
    assert_eq!(app.head(), head, "nothing was written");
    browser.close().await;
}

#[tokio::test]
async fn a_move_from_a_card_someone_else_moved_meanwhile_goes_back_to_the_board_flagged_and_changes_nothing() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Contended" })).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    let (cookie, token) = (browser.session_cookie().await, browser.csrf_token().await);
    let path = format!("/deals/{}/stage", deal["id"]);
    app.post_ok(&format!("/api{path}"), &json!({ "stage_id": 2 }), 200).await;

    let stale = forged_post(&app, &path, &cookie, &[("csrf", &token), ("stage_id", "5"), ("version", "1")]).await;

    assert_eq!(stale.status(), 303, "the card showed version 1: back to the board");
    let location = stale.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/board?pipeline_id=1&stale={}", deal["id"]), "flagged, to say so");
    assert_eq!(app.get_ok(&format!("/api/deals/{}", deal["id"])).await["deal"]["stage"]["id"], 2);
    let fresh = forged_post(&app, &path, &cookie, &[("csrf", &token), ("stage_id", "5"), ("version", "2")]).await;
    assert_eq!(fresh.status(), 303, "a current card moves");
    assert_eq!(app.get_ok(&format!("/api/deals/{}", deal["id"])).await["deal"]["stage"]["id"], 5);
    browser.close().await;
}
