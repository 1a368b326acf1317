//! The webhook pages for an analyst (issue 12, must-show 8): every page readable, no write
//! control on any of them, the secret withheld, and each forged write refused by the server.

use api::Role;
use serde_json::json;

use crate::console_browser::{Browser, forged_post};
use crate::helpers::{hook_body, spawn_driven_app};
use crate::receiver::Receiver;

#[tokio::test]
async fn an_analyst_finds_no_write_control_on_the_webhook_pages_and_forged_writes_are_refused() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let url = receiver.url.replace("127.0.0.1", "robot:hunter2@127.0.0.1");
    let hook = app.create_hook(hook_body("CRM", &url, &["dealflow.deal.won", "dealflow.deal.lost"])).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let password = app.add_user("ana", Role::Analyst).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("ana", &password).await;

    browser.open("/hooks").await;
    assert_eq!(browser.count("a[href='/hooks/new']").await, 0, "no New webhook link");
    assert!(!browser.text().await.contains("hunter2"), "the URL's credentials are withheld");
    browser.open("/hooks/1").await;
    let text = browser.text().await;
    assert!(text.contains("Deal Won Event") && text.contains("Deal Lost Event"), "the hook's events: {text}");
    assert!(!text.contains(&secret) && !text.contains("hunter2"), "no secret for analysts");
    assert_eq!(browser.count("main form").await, 0, "no form, no Send Test Payload");
    browser.screenshot("hook-analyst").await;
    browser.open("/hooks/1/logs").await;
    assert_eq!(browser.count("main form[method=post]").await, 0, "no resend, no replay");
    browser.open("/hooks/settings").await;
    assert_eq!(browser.count("main form").await, 0, "the settings are shown read-only");
    assert!(browser.text().await.contains("immediate"));
    let (cookie, csrf) = (browser.session_cookie().await, browser.csrf_token().await);
    browser.open("/hooks/new").await;
    assert!(browser.text().await.contains("403"), "the new webhook form is refused");
    let forged: &[(&str, &[(&str, &str)])] = &[
        (
            "/hooks/new",
            &[("name", "Forged"), ("webhookUrl", "https://x.example.com/"), ("triggers", "dealflow.deal.won")],
        ),
        ("/hooks/1/edit", &[("name", "Forged"), ("webhookUrl", "https://x.example.com/")]),
        ("/hooks/1/test", &[]),
        ("/hooks/1/replay", &[("from_position", "1")]),
        ("/hooks/settings", &[("queue_mode", "queue")]),
    ];
    for (path, fields) in forged {
        let mut fields = fields.to_vec();
        fields.push(("csrf", &csrf));
        let response = forged_post(&app, path, &cookie, &fields).await;
        assert_eq!(response.status(), 403, "{path}");
        assert!(response.text().await.unwrap().contains("needs the admin role"), "{path}: the API's words");
    }
    let admin_csrf = forged_post(&app, "/hooks/settings", &cookie, &[("queue_mode", "queue")]).await;
    assert_eq!(admin_csrf.status(), 403, "without a CSRF token");
    assert_eq!(app.get_ok("/api/hooks/1").await["hook"]["name"], "CRM");
    assert_eq!(app.get_ok("/api/hooks").await["total"], 1);
    assert_eq!(app.get_ok("/api/settings/webhooks").await["settings"]["queue_mode"], json!("immediate"));
    assert!(receiver.received().is_empty(), "no test payload was sent");
    browser.close().await;
}
