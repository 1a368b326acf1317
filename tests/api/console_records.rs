//! The console's event log and contacts in a real browser: the type filter reads as
//! `GET /api/events` does, each event's JSON is on the page, the export link answers what
//! `GET /api/events/export` answers for the same filters; contacts search and a contact's page
//! lists its deals.

use fantoccini::Locator;
use serde_json::json;

use crate::console_browser::Browser;
use crate::helpers::{ADMIN_PASSWORD, spawn_app};

#[tokio::test]
async fn the_event_log_filters_by_type_shows_each_events_json_and_exports_the_same_events_as_the_api() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Logged deal" })).await;
    app.post_ok("/api/contacts/new", &json!({ "email": "eve@example.com" }), 201).await;
    app.post_ok(&format!("/api/deals/{}/stage", deal["id"]), &json!({ "stage_id": 2 }), 200).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;

    browser.open("/events").await;
    browser.client.find(Locator::Id("type")).await.unwrap().send_keys("deal.*").await.unwrap();
    let filter = browser.client.find(Locator::Css("form.filters button")).await.unwrap();
    browser.click_and_wait(&filter).await;

    let api = app.get_ok("/api/events?type=deal.*").await;
    let expected: Vec<String> =
        api["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().into()).collect();
    assert_eq!(expected, ["deal.created", "deal.stage_changed"], "the API's answer");
    let mut shown = Vec::new();
    for row in browser.client.find_all(Locator::Css("table.events tbody tr td:nth-child(2)")).await.unwrap() {
        shown.push(row.text().await.unwrap());
    }
    assert_eq!(shown, expected, "the page lists what GET /api/events lists");
    let json_of_first = browser.client.find(Locator::Css("table.events pre")).await.unwrap().prop("textContent").await;
    let json_of_first: serde_json::Value = serde_json::from_str(&json_of_first.unwrap().unwrap()).unwrap();
    assert_eq!(json_of_first, api["events"][0], "each event's JSON as the API gives it");
    browser.screenshot("events").await;

    let link = browser.client.find(Locator::Css("a.export")).await.unwrap().attr("href").await.unwrap().unwrap();
    assert_eq!(link, "/events/export?type=deal.*");
    let fetch = "const done = arguments[arguments.length - 1];
                 fetch(arguments[0]).then((a) => a.text()).then(done, (e) => done('failed: ' + e));";
    let exported = browser.client.execute_async(fetch, vec![json!(link)]).await.unwrap();
    let from_api = app.admin_get("/api/events/export?type=deal.*").await.text().await.unwrap();
    assert_eq!(exported.as_str().unwrap(), from_api, "the session's export is the API's export");
    assert_eq!(from_api.lines().count(), 2);

    browser.open("/events?since=yesterday").await;
    let api = crate::helpers::error_body(app.admin_get("/api/events?since=yesterday").await, 400).await;
    let beside = browser.client.find(Locator::Id("since-error")).await.expect("an error beside Since");
    assert_eq!(beside.text().await.unwrap(), api["details"]["since"][0].as_str().unwrap(), "in the API's words");
    browser.close().await;
}

#[tokio::test]
async fn a_contact_is_found_by_search_and_its_page_lists_its_deals() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Jane's deal", "amount": 1200 })).await;
    let path = format!("/api/deals/{}/contacts/add", deal["id"]);
    app.post_ok(&path, &json!({ "email": "jane@acme.com", "first_name": "Jane", "last_name": "Doe" }), 200).await;
    app.post_ok("/api/contacts/new", &json!({ "email": "bob@other.org", "last_name": "Smith" }), 201).await;
    app.create_deal(json!({ "title": "Someone else's deal" })).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;

    browser.open("/contacts").await;
    assert!(browser.text().await.contains("2 contacts"));
    browser.client.find(Locator::Id("search")).await.unwrap().send_keys("jane doe").await.unwrap();
    browser.click_and_wait(&browser.client.find(Locator::Css("form.filters button")).await.unwrap()).await;
    let list = browser.text().await;
    assert!(list.contains("1 contact;") && list.contains("jane@acme.com") && !list.contains("bob@"), "{list}");
    browser.screenshot("contacts").await;

    browser.click_and_wait(&browser.client.find(Locator::LinkText("Jane Doe")).await.unwrap()).await;
    let page = browser.text().await;
    assert!(page.contains("Deals (1)") && page.contains("Jane's deal"), "{page}");
    assert!(!page.contains("Someone else's deal"), "only the contact's deals");
    browser.screenshot("contact").await;
    browser.click_and_wait(&browser.client.find(Locator::LinkText("Jane's deal")).await.unwrap()).await;
    assert_eq!(browser.path().await, format!("/deals/{}", deal["id"]));
    browser.close().await;
}
