//! The console's webhook pages in a real browser (issue 12, must-show 5–7): create a webhook with
//! two events and send a test payload to a real local receiver, see a failed attempt arrive in an
//! open delivery log and resend it, and switch to queue mode.

use fantoccini::Locator;
use serde_json::json;

use crate::console_browser::Browser;
use crate::helpers::{ADMIN_PASSWORD, hook_body, spawn_driven_app};
use crate::receiver::{Receiver, Reply};

async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("a field #{id}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(browser: &Browser, css: &str) {
    browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("an element {css}")).click().await.unwrap();
}

async fn submit(browser: &Browser, css: &str) {
    let button = browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("a button {css}"));
    browser.click_and_wait(&button).await;
}

#[tokio::test]
async fn an_admin_creates_a_webhook_with_two_events_and_sends_a_test_payload_to_a_real_receiver() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open("/hooks").await;
    let new = browser.client.find(Locator::LinkText("New webhook")).await.expect("a New webhook link");
    browser.click_and_wait(&new).await;
    assert_eq!(browser.path().await, "/hooks/new");

    fill(&browser, "name", "CRM").await;
    fill(&browser, "webhookUrl", "ftp://crm.example.com/in").await;
    submit(&browser, "#save").await;
    assert_eq!(browser.count("#webhookUrl-error").await, 1, "the URL's error next to it");
    let kept = browser.client.find(Locator::Id("name")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("CRM"), "what was typed is kept");
    fill(&browser, "webhookUrl", &receiver.url).await;
    submit(&browser, "#save").await;
    assert_eq!(browser.count("#triggers-error").await, 1, "the events' error next to them");
    let text = browser.text().await;
    assert!(text.contains("is required: list at least one trigger"), "the API's words: {text}");
    assert!(!text.contains("GET /api/hooks/triggers"), "no API route pointed at in the console: {text}");
    let summary = browser.client.find(Locator::Id("form-error")).await.unwrap().text().await.unwrap();
    assert_eq!(summary, "The webhook was not saved; see below.", "as the source and user forms say it");
    browser.screenshot("hook-form-errors").await;

    fill(&browser, "description", "Tells the CRM about won and lost deals").await;
    click(&browser, "input[name=triggers][value='dealflow.deal.won']").await;
    click(&browser, "input[name=triggers][value='dealflow.deal.lost']").await;
    browser.client.find(Locator::Id("signatureFormat")).await.unwrap().select_by_value("standard").await.unwrap();
    submit(&browser, "#save").await;

    let path = browser.path().await;
    let id = path.strip_prefix("/hooks/").expect("the new hook's page").to_owned();
    let hook = app.get_ok(&format!("/api/hooks/{id}")).await["hook"].clone();
    assert_eq!(hook["triggers"], json!(["dealflow.deal.won", "dealflow.deal.lost"]));
    assert_eq!((hook["signatureFormat"].clone(), hook["isPublished"].clone()), (json!("standard"), json!(true)));
    assert_eq!(hook["description"], "Tells the CRM about won and lost deals");

    submit(&browser, "#send-test").await;
    let received = receiver.wait_for(1).await;
    let text = browser.text().await;
    assert!(text.contains("The receiver answered 200 in"), "the receiver's status and time: {text}");
    assert!(text.contains("thanks"), "an excerpt of the answer: {text}");
    let delivery = received[0].header("webhook-id").unwrap().to_owned();
    assert!(text.contains(&delivery), "the delivery id the receiver got: {text}");
    assert!(received[0].json().get("dealflow.deal.won").is_some(), "a sample of the hook's first event");
    browser.screenshot("hook").await;

    fill(&browser, "description", "").await;
    submit(&browser, "#save").await;
    assert_eq!(app.get_ok(&format!("/api/hooks/{id}")).await["hook"]["description"], json!(null), "cleared");

    // A second failed delivery, so that resending one shows it resends only that one.
    app.create_deal(json!({ "title": "Globex" })).await;
    app.dispatcher.step().await.unwrap();
    browser.open("/hooks").await;
    let row = browser.client.find(Locator::Css(&format!("tr[data-hook='{id}']"))).await.unwrap().text().await.unwrap();
    assert!(row.contains("CRM") && row.contains(&receiver.url) && row.contains("no deliveries yet"), "{row}");
    browser.close().await;
}

#[tokio::test]
async fn a_failed_attempt_appears_in_an_open_delivery_log_and_is_resent() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "retry_schedule": [] })).await;
    let hook = app.create_hook(hook_body("Warehouse", &receiver.url, &["dealflow.deal.created"])).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open(&format!("/hooks/{}/logs", hook["id"])).await;
    assert!(browser.text().await.contains("0 attempts"));
    browser.client.execute("window.notReloaded = true; return null;", vec![]).await.unwrap();

    receiver.script([Reply::status(500), Reply::status(500)]);
    app.create_deal(json!({ "title": "Acme" })).await;
    app.dispatcher.step().await.unwrap();
    let waiting = browser.client.wait().at_most(std::time::Duration::from_secs(10));
    waiting.for_element(Locator::Css("li.attempt.failed")).await.expect("the failed attempt, live");
    let mark = browser.client.execute("return window.notReloaded === true;", vec![]).await.unwrap();
    assert_eq!(mark, json!(true), "the log updated without a reload");

    // A second failed delivery, so that resending one shows it resends only that one.
    app.create_deal(json!({ "title": "Globex" })).await;
    app.dispatcher.step().await.unwrap();
    browser.open("/hooks").await;
    let row = browser.client.find(Locator::Css("tr[data-hook='1']")).await.unwrap().text().await.unwrap();
    assert!(row.contains("failing"), "the list shows the failing hook: {row}");
    browser.screenshot("hooks").await;
    browser.open(&format!("/hooks/{}/logs?status=failed", hook["id"])).await;
    assert_eq!(browser.count("li.attempt.failed").await, 2);
    let text = browser.text().await;
    assert!(text.contains("500") && text.contains("no retry left") && text.contains("thanks"), "{text}");
    let (first, newest) = (receiver.event_ids()[0].clone(), receiver.event_ids()[1].clone());
    assert!(text.contains(&first) && text.contains(&newest), "the requests' event ids: {text}");
    browser.screenshot("hook-log").await;

    // The newest attempt comes first: its Resend puts back its own event, not the other one.
    submit(&browser, "li.attempt form.resend button").await;
    assert!(browser.text().await.contains("Put 1 failed event back in the queue"), "{}", browser.text().await);
    app.dispatcher.step().await.unwrap();
    assert_eq!(receiver.event_ids(), [first.clone(), newest.clone(), newest], "only that delivery was sent again");
    // The result page (at the form's POST address) still follows the log live.
    let waiting = browser.client.wait().at_most(std::time::Duration::from_secs(10));
    waiting.for_element(Locator::Css("li.attempt.ok")).await.expect("the resent delivery's attempt, live");

    browser.open(&format!("/hooks/{}/logs?status=success", hook["id"])).await;
    assert_eq!((browser.count("li.attempt.ok").await, browser.count("li.attempt.failed").await), (1, 0));
    browser.open(&format!("/hooks/{}/logs?status=failed", hook["id"])).await;
    assert_eq!(browser.count("li.attempt.failed").await, 2, "both failed attempts stay in the log");
    browser.open(&format!("/hooks/{}/logs?since=2999-01-01T00:00", hook["id"])).await;
    assert!(browser.text().await.contains("0 attempts"), "the time filter: {}", browser.text().await);

    browser.open(&format!("/hooks/{}/logs", hook["id"])).await;
    fill(&browser, "from_position", "1").await;
    fill(&browser, "replay-since", "").await;
    submit(&browser, "form.replay button").await;
    assert!(browser.text().await.contains("queued 2 events from history"), "{}", browser.text().await);
    fill(&browser, "from_position", "zero").await;
    submit(&browser, "form.replay button").await;
    assert_eq!(browser.count("#from_position-error").await, 1, "the position's error next to it");
    assert!(browser.text().await.contains("must be a log position (1 or more)"));
    browser.close().await;
}

#[tokio::test]
async fn an_admin_switches_to_queue_mode_and_bad_settings_are_refused_next_to_their_field() {
    let app = spawn_driven_app().await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open("/hooks").await;
    let link = browser.client.find(Locator::Css("nav a[href='/hooks/settings']")).await.expect("a nav entry");
    browser.click_and_wait(&link).await;

    click(&browser, "input[name=queue_mode][value=queue]").await;
    fill(&browser, "batch_limit", "5000").await;
    submit(&browser, "#save").await;
    assert_eq!(browser.count("#batch_limit-error").await, 1);
    assert!(browser.text().await.contains("must be an integer from 1 to 1000"));
    let summary = browser.client.find(Locator::Id("form-error")).await.unwrap().text().await.unwrap();
    assert_eq!(summary, "The settings were not saved; see below.");
    fill(&browser, "batch_limit", "50").await;
    fill(&browser, "dispatch_schedule", "every tuesday").await;
    submit(&browser, "#save").await;
    let reason = browser.client.find(Locator::Id("dispatch_schedule-error")).await.unwrap().text().await.unwrap();
    assert!(reason.starts_with("is not a cron expression"), "the API's words next to the field: {reason}");
    assert_eq!(browser.text().await.matches(&reason).count(), 1, "the cron reason is said once");
    assert_eq!(app.get_ok("/api/settings/webhooks").await["settings"]["queue_mode"], "immediate", "nothing stored");

    fill(&browser, "batch_limit", "50").await;
    fill(&browser, "retry_schedule", "10, 60 600").await;
    fill(&browser, "dispatch_schedule", "*/5 * * * *").await;
    submit(&browser, "#save").await;
    assert!(browser.text().await.contains("Settings saved."));
    let settings = app.get_ok("/api/settings/webhooks").await["settings"].clone();
    assert_eq!(
        (settings["queue_mode"].clone(), settings["batch_limit"].clone(), settings["retry_schedule"].clone()),
        (json!("queue"), json!(50), json!([10, 60, 600]))
    );
    assert_eq!(settings["dispatch_schedule"], "*/5 * * * *");
    let checked = browser.client.find(Locator::Css("input[name=queue_mode][value=queue]")).await.unwrap();
    assert_eq!(checked.prop("checked").await.unwrap().as_deref(), Some("true"));
    browser.screenshot("hook-settings").await;
    browser.close().await;
}
