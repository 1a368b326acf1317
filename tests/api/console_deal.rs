//! The deal page's writes in a real browser: a note, a task (after the API's refusal of its due
//! date, shown next to the field), completing it, and editing the fields (after a refused amount),
//! each as its API command; the deal "as of" a time, as `GET /api/deals/{id}?asOf=` shows it;
//! analysts get no write control and have forged writes refused.

use api::Role;
use fantoccini::Locator;
use serde_json::{Value, json};

use crate::console_browser::{Browser, forged_post};
use crate::helpers::{ADMIN_PASSWORD, TestApp, spawn_app};

/// Types `text` into the field `id`, emptied first.
async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("a field #{id}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn submit(browser: &Browser, css: &str) {
    let button = browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("a button {css}"));
    browser.click_and_wait(&button).await;
}

async fn text_of(browser: &Browser, css: &str) -> String {
    let element = browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("an element {css}"));
    element.text().await.unwrap()
}

/// The first message the API gives for `field` when `method path` is sent `body`.
async fn api_words(app: &TestApp, method: reqwest::Method, path: &str, body: Value, field: &str) -> String {
    let answer = app.send_json(method, path, &body).await;
    assert_eq!(answer.status(), 422, "the API refuses {body}");
    let answer: Value = answer.json().await.unwrap();
    answer["errors"][0]["details"][field][0].as_str().expect("a message for the field").to_owned()
}

#[tokio::test]
async fn an_admin_adds_a_note_and_a_task_completes_it_and_edits_the_fields_with_the_apis_errors_beside_them() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Globex renewal", "amount": "1200.00" })).await;
    let id = deal["id"].as_u64().unwrap();
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open(&format!("/deals/{id}")).await;

    fill(&browser, "note-text", "Called Hank; wants a quote by Friday").await;
    submit(&browser, "form.note-new button").await;
    assert_eq!(browser.path().await, format!("/deals/{id}"));
    assert!(browser.text().await.contains("Called Hank; wants a quote by Friday"), "the note is shown");

    let words = api_words(
        &app,
        reqwest::Method::POST,
        &format!("/api/deals/{id}/tasks/new"),
        json!({ "title": "Send the quote", "due_date": "31/12/2026" }),
        "due_date",
    )
    .await;
    fill(&browser, "task-title", "Send the quote").await;
    fill(&browser, "task-due_date", "31/12/2026").await;
    submit(&browser, "form.task-new button").await;
    assert_eq!(text_of(&browser, "#task-due_date-error").await, words, "the API's words beside the field");
    let typed = browser.client.find(Locator::Id("task-title")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(typed.as_deref(), Some("Send the quote"), "what was typed is kept");
    fill(&browser, "task-due_date", "2026-12-31").await;
    submit(&browser, "form.task-new button").await;
    assert!(browser.text().await.contains("Send the quote · due 2026-12-31"));
    submit(&browser, "form.task-complete button").await;
    let task = &app.get_ok(&format!("/api/deals/{id}")).await["deal"]["tasks"][0];
    assert!(!task["completed_at"].is_null(), "the task is complete: {task}");
    assert_eq!(browser.count("form.task-complete").await, 0, "a complete task has no Complete button");

    let words = api_words(
        &app,
        reqwest::Method::PATCH,
        &format!("/api/deals/{id}/edit"),
        json!({ "amount": "twelve" }),
        "amount",
    )
    .await;
    browser.client.find(Locator::Css("details summary")).await.unwrap().click().await.unwrap();
    fill(&browser, "edit-amount", "twelve").await;
    submit(&browser, "form.deal-edit button").await;
    assert_eq!(text_of(&browser, "#edit-amount-error").await, words);
    browser.screenshot("deal-form-errors").await;
    fill(&browser, "edit-amount", "1500.50").await;
    fill(&browser, "edit-title", "Globex renewal 2027").await;
    fill(&browser, "edit-close_date", "2027-01-15").await;
    submit(&browser, "form.deal-edit button").await;
    let edited = &app.get_ok(&format!("/api/deals/{id}")).await["deal"];
    assert_eq!(
        (edited["title"].as_str(), edited["close_date"].as_str()),
        (Some("Globex renewal 2027"), Some("2027-01-15"))
    );
    assert_eq!(edited["amount"].to_string().trim_matches('"'), "1500.50");
    let history = app.get_ok(&format!("/api/deals/{id}/history")).await;
    let last = history["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["type"].as_str(), last["changed_by"]["name"].as_str()), (Some("deal.updated"), Some("admin")));
    browser.screenshot("deal-edited").await;
    browser.close().await;
}

#[tokio::test]
async fn the_deal_as_of_a_time_is_what_the_api_answers_and_a_bad_time_is_refused_in_its_words() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Initech", "amount": "900" })).await;
    let id = deal["id"].as_u64().unwrap();
    app.send_json(reqwest::Method::PATCH, &format!("/api/deals/{id}/edit"), &json!({ "amount": "4000" })).await;
    let created_at =
        app.get_ok(&format!("/api/deals/{id}/history")).await["events"][0]["recorded_at"].as_str().unwrap().to_owned();
    let then = app.get_ok(&format!("/api/deals/{id}?asOf={}", created_at.replace('+', "%2B"))).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open(&format!("/deals/{id}")).await;

    fill(&browser, "asOf", &created_at).await;
    submit(&browser, "form.as-of button").await;

    let text = browser.text().await;
    assert!(
        text.contains(&format!("{} USD", then["deal"]["amount"].to_string().trim_matches('"'))),
        "the amount then: {text}"
    );
    assert!(!text.contains("4000"), "not today's amount: {text}");
    assert!(!text.contains("deal.updated"), "the history up to then");
    assert_eq!(browser.count("main form[method=post]").await, 0, "the past is not edited");
    browser.screenshot("deal-as-of").await;
    let answer = app.admin_get(&format!("/api/deals/{id}?asOf=yesterday")).await;
    let words: Value = answer.json().await.unwrap();
    browser.open(&format!("/deals/{id}?asOf=yesterday")).await;
    assert_eq!(
        text_of(&browser, "#as_of-asOf-error").await,
        words["errors"][0]["details"]["asOf"][0].as_str().unwrap()
    );
    browser.close().await;
}

#[tokio::test]
async fn an_analyst_sees_no_deal_write_control_and_forged_deal_writes_are_refused_403() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Read only" })).await;
    let id = deal["id"].as_u64().unwrap();
    let task = app.post_ok(&format!("/api/deals/{id}/tasks/new"), &json!({ "title": "Call" }), 201).await;
    let password = app.add_user("ann", Role::Analyst).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("ann", &password).await;
    browser.open(&format!("/deals/{id}")).await;

    assert!(browser.text().await.contains("Read only"), "analysts see the deal");
    assert_eq!(browser.count("main form[method=post]").await, 0, "but no write control");
    browser.screenshot("deal-analyst").await;
    let (cookie, token) = (browser.session_cookie().await, browser.csrf_token().await);
    let head = app.head();
    let forged: [(String, Vec<(&str, &str)>); 4] = [
        (format!("/deals/{id}/notes/new"), vec![("text", "forged")]),
        (format!("/deals/{id}/tasks/new"), vec![("title", "forged")]),
        (format!("/deals/{id}/tasks/{}/complete", task["task"]["id"]), vec![]),
        (format!("/deals/{id}/edit"), vec![("title", "forged")]),
    ];
    for (path, fields) in forged {
        let mut form = vec![("csrf", token.as_str())];
        form.extend(fields);
        let answer = forged_post(&app, &path, &cookie, &form).await;
        assert_eq!(answer.status(), 403, "{path}");
        assert!(answer.text().await.unwrap().contains("read-only"), "in the API's words");
    }
    assert_eq!(app.head(), head, "nothing was written");
    let without_token = forged_post(&app, &format!("/deals/{id}/notes/new"), &cookie, &[("text", "x")]).await;
    assert_eq!(without_token.status(), 403, "no CSRF token");
    browser.close().await;
}
