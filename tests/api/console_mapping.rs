//! The console's mapping editor in a real browser: "try a sample body" answers what
//! `POST /api/sources/{id}/mapping/test` answers and writes nothing, a bad mapping's problems are
//! shown beside it in the API's words, and saving runs the API's edit.

use fantoccini::Locator;
use serde_json::json;

use crate::console_browser::Browser;
use crate::helpers::{ADMIN_PASSWORD, error_body, spawn_app};

async fn fill(browser: &Browser, id: &str, text: &str) {
    let area = browser.client.find(Locator::Id(id)).await.unwrap();
    area.clear().await.unwrap();
    area.send_keys(text).await.unwrap();
}

async fn press(browser: &Browser, label: &str) {
    let button = browser.client.find(Locator::XPath(&format!("//main//button[normalize-space()='{label}']"))).await;
    browser.click_and_wait(&button.unwrap()).await;
}

#[tokio::test]
async fn trying_a_sample_shows_the_apis_preview_and_writes_nothing_and_a_bad_mapping_is_refused_beside_it() {
    let app = spawn_app().await;
    let source = app.create_source("Form").await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open(&format!("/sources/{}", source.id)).await;
    browser.click_and_wait(&browser.client.find(Locator::LinkText("Mapping: try a sample body")).await.unwrap()).await;
    let mapping = json!({ "fields": { "title": { "template": "{{ company }} - {{ plan }}" } } });
    let sample = json!({ "company": "Acme", "plan": "Pro" });
    let head = app.head();

    fill(&browser, "mapping", &mapping.to_string()).await;
    fill(&browser, "sample", &sample.to_string()).await;
    press(&browser, "Try this sample").await;

    let shown: serde_json::Value = serde_json::from_str(
        &browser.client.find(Locator::Id("preview")).await.unwrap().prop("textContent").await.unwrap().unwrap(),
    )
    .unwrap();
    let path = format!("/api/sources/{}/mapping/test", source.id);
    let api = app.post_ok(&path, &json!({ "body": sample, "mapping": mapping }), 200).await;
    assert_eq!(shown["deal"]["title"], "Acme - Pro");
    assert_eq!(shown["deal"], api["deal"], "the API's preview");
    assert!(browser.text().await.contains("Accepted"));
    assert_eq!(app.head(), head, "trying writes nothing");
    browser.client.execute("document.querySelector('.preview').scrollIntoView(); return null;", vec![]).await.unwrap();
    browser.screenshot("source-mapping").await;

    let broken = json!({ "fields": { "title": { "path": "$[" } } });
    fill(&browser, "mapping", &broken.to_string()).await;
    press(&browser, "Try this sample").await;
    let refused = app.send_json(reqwest::Method::POST, &path, &json!({ "body": sample, "mapping": broken })).await;
    let words = error_body(refused, 422).await["details"]["mapping.title"][0].as_str().unwrap().to_owned();
    let errors = browser.client.find(Locator::Id("mapping-errors")).await.unwrap().text().await.unwrap();
    assert_eq!(errors, format!("mapping.title: {words}"), "beside the mapping, in the API's words");

    fill(&browser, "mapping", &mapping.to_string()).await;
    press(&browser, "Save mapping").await;
    assert_eq!(browser.path().await, format!("/sources/{}", source.id));
    assert_eq!(app.get_ok(&format!("/api/sources/{}", source.id)).await["source"]["mapping"], mapping, "saved");
    browser.close().await;
}
