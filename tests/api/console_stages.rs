//! The board's stage editor in a real browser: an admin renames, retypes, reweights, reorders
//! and adds stages as `PATCH /api/pipelines/{id}/edit` does; a refused value comes back beside
//! its field in the API's words; analysts get no editor and their forged saves are refused.

use api::Role;
use fantoccini::Locator;
use reqwest::Method;
use serde_json::{Value, json};

use crate::console_browser::{Browser, forged_post};
use crate::helpers::{ADMIN_PASSWORD, error_body, spawn_app};

async fn set(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("#{id} on the page"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn save(browser: &Browser) {
    let button = browser.client.find(Locator::Css(".stages-editor button[type=submit]")).await.unwrap();
    browser.click_and_wait(&button).await;
}

fn names(pipeline: &Value) -> Vec<String> {
    let stages = pipeline["stages"].as_array().unwrap();
    stages.iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn an_admin_edits_reorders_and_adds_stages_from_the_board() {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open("/board").await;
    browser.click_and_wait(&browser.client.find(Locator::Css("a.edit-stages")).await.unwrap()).await;
    assert_eq!(browser.path().await, "/pipelines/1/stages");

    set(&browser, "stage-0-name", "New lead").await;
    set(&browser, "stage-1-probability", "30").await;
    browser.client.find(Locator::Css("#stage-3-type option[value=won]")).await.unwrap().click().await.unwrap();
    set(&browser, "stage-5-position", "1").await;
    set(&browser, "new-name", "Pilot").await;
    set(&browser, "new-probability", "60").await;
    set(&browser, "new-position", "4").await;
    set(&browser, "stage-3-position", "5").await;
    browser.screenshot("stages").await;
    save(&browser).await;

    assert_eq!(browser.path().await, "/board", "back to the board");
    assert!(browser.text().await.contains("Pilot"), "the new stage is a column");
    let pipeline = app.get_ok("/api/pipelines/1").await["pipeline"].clone();
    let expected = ["New lead", "Lost", "Qualified", "Proposal Sent", "Pilot", "Negotiation", "Won"];
    assert_eq!(names(&pipeline), expected, "ordered as the positions say: {pipeline}");
    let stage = |name: &str| pipeline["stages"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap().clone();
    assert_eq!(stage("Qualified")["probability"], 30);
    assert_eq!(stage("Negotiation")["type"], "won");
    assert_eq!((stage("Pilot")["type"].clone(), stage("Pilot")["probability"].clone()), (json!("open"), json!(60)));
    browser.close().await;
}

#[tokio::test]
async fn a_refused_value_is_shown_beside_its_field_in_the_apis_words() {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open("/pipelines/1/stages").await;

    set(&browser, "stage-2-probability", "150").await;
    set(&browser, "stage-4-name", " ").await;
    save(&browser).await;

    let body = json!({ "stages": [{ "id": 1, "probability": 150 }] });
    let api = app.as_admin(Method::PATCH, "/api/pipelines/1/edit").json(&body).send().await.unwrap();
    let api = error_body(api, 422).await;
    let words = api["details"]["stages[0].probability"][0].as_str().unwrap();
    let shown = browser.client.find(Locator::Id("stage-2-probability-error")).await.unwrap().text().await.unwrap();
    assert_eq!(shown, words);
    assert!(browser.client.find(Locator::Id("stage-4-name-error")).await.is_ok(), "an empty name is refused");
    let typed = browser.client.find(Locator::Id("stage-2-probability")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(typed.as_deref(), Some("150"), "what was typed stays");
    browser.screenshot("stages-errors").await;
    let pipeline = app.get_ok("/api/pipelines/1").await["pipeline"].clone();
    assert_eq!(pipeline["stages"][2]["probability"], 50, "nothing saved");
    browser.close().await;
}

#[tokio::test]
async fn analysts_get_no_stage_editor_and_their_forged_save_is_refused() {
    let app = spawn_app().await;
    let password = app.add_user("ana", Role::Analyst).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("ana", &password).await;
    browser.open("/board").await;
    assert_eq!(browser.count("a.edit-stages").await, 0, "no editor link for analysts");
    let (cookie, token) = (browser.session_cookie().await, browser.csrf_token().await);
    let page = reqwest::Client::new()
        .get(app.url("/pipelines/1/stages"))
        .header("Cookie", format!("dealflow_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);

    let fields = [("csrf", token.as_str()), ("stage-0-id", "1"), ("stage-0-name", "Hacked"), ("stage-0-position", "1")];
    assert_eq!(forged_post(&app, "/pipelines/1/stages", &cookie, &fields).await.status(), 403);
    let without_token = [("stage-0-id", "1"), ("stage-0-name", "Hacked")];
    assert_eq!(forged_post(&app, "/pipelines/1/stages", &cookie, &without_token).await.status(), 403);
    assert_eq!(names(&app.get_ok("/api/pipelines/1").await["pipeline"])[0], "Lead In");
    browser.close().await;
}
