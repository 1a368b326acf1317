//! The console's inbound sources in a real browser: a source created from the form shows its
//! secret once, the copy button puts it on the clipboard, a webhook signed with the copied secret
//! (and the curl snippet, run as shown) lands on the board; rotate, unpublish and delete run the
//! API's commands; analysts get no write control and forged writes are refused.

use api::Role;
use fantoccini::Locator;
use serde_json::json;

use crate::console_browser::{Browser, forged_post};
use crate::helpers::{ADMIN_PASSWORD, sign, spawn_app};

/// The value of the input `id` on the page.
async fn field(browser: &Browser, id: &str) -> String {
    browser.client.find(Locator::Id(id)).await.unwrap().prop("value").await.unwrap().expect("a value")
}

/// Clicks the copy button of `target`, then pastes the clipboard (Ctrl+V, as a person would)
/// into a text area added to the page, and answers what was pasted.
async fn copy_and_paste(browser: &Browser, target: &str) -> String {
    let css = format!("button.copy[data-copy={target}]");
    browser.client.find(Locator::Css(&css)).await.unwrap().click().await.unwrap();
    let copied = format!("{css}[data-copied=true]");
    let waiting = browser.client.wait().at_most(std::time::Duration::from_secs(5));
    waiting.for_element(Locator::Css(&copied)).await.expect("the button says the copy succeeded");
    let add = "const area = document.createElement('textarea'); area.id = 'pasted';
               document.body.append(area); return null;";
    browser.client.execute(add, vec![]).await.unwrap();
    let area = browser.client.find(Locator::Id("pasted")).await.unwrap();
    area.click().await.unwrap();
    // Control down, v, and every modifier up again (WebDriver's key codes).
    area.send_keys("\u{E009}v\u{E000}").await.unwrap();
    area.prop("value").await.unwrap().unwrap_or_default()
}

async fn click(browser: &Browser, css: &str) {
    let button = browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("{css} on the page"));
    browser.click_and_wait(&button).await;
}

#[tokio::test]
async fn a_source_created_in_the_console_shows_its_secret_once_and_a_webhook_signed_with_the_copied_secret_lands_on_the_board()
 {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.open("/sources").await;
    browser.client.find(Locator::Id("name")).await.unwrap().send_keys("Website form").await.unwrap();
    click(&browser, ".new-source button[type=submit]").await;

    let (endpoint, secret) = (field(&browser, "endpoint").await, field(&browser, "secret").await);
    assert_eq!(secret.len(), 64, "a 64-hex-digit secret: {secret}");
    let source = &app.get_ok("/api/sources").await["sources"][0];
    assert_eq!(endpoint, source["endpoint_url"], "the endpoint URL the API gives");
    let snippets = browser.text().await;
    assert!(
        snippets.contains("PHP") && snippets.contains("Node.js") && snippets.contains("openssl dgst"),
        "{snippets}"
    );
    browser.screenshot("source-created").await;

    let copied = copy_and_paste(&browser, "secret").await;
    assert_eq!(copied, secret, "the copy button put the secret on the clipboard");

    let body = json!({ "title": "Signed with the copied secret", "amount": 900 }).to_string();
    let sent = app
        .client
        .post(&endpoint)
        .header("Content-Type", "application/json")
        .header("X-DealFlow-Signature", sign(&copied, body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 201, "the copied secret signs: {:?}", sent.text().await);

    // The curl snippet, run exactly as shown, signs and sends its own deal.
    let curl = browser.client.find(Locator::Id("snippet-curl")).await.unwrap().text().await.unwrap();
    let ran = std::process::Command::new("sh").arg("-c").arg(&curl).output().expect("sh runs the snippet");
    let answer = String::from_utf8_lossy(&ran.stdout);
    assert!(answer.contains("\"created\":true"), "the curl snippet creates a deal: {answer} {ran:?}");

    browser.open("/board").await;
    let board = browser.text().await;
    assert!(board.contains("Signed with the copied secret") && board.contains("Acme Corp - Enterprise"), "{board}");

    browser.open("/sources").await;
    browser.screenshot("sources").await;
    browser.click_and_wait(&browser.client.find(Locator::LinkText("Website form")).await.unwrap()).await;
    let page = browser.text().await;
    assert!(!page.contains(&secret), "the secret is shown only once");
    assert_eq!(browser.count("table.requests tbody tr").await, 2, "both requests in the log: {page}");
    assert!(page.contains("created"), "{page}");
    browser.screenshot("source").await;

    click(&browser, "form[action$='/secret/rotate'] button").await;
    let rotated = field(&browser, "secret").await;
    assert!(rotated.len() == 64 && rotated != secret, "a new secret, shown once");
    assert!(browser.text().await.contains("previous one keeps working"));

    browser.open(&format!("/sources/{}", source["id"])).await;
    click(&browser, "form[action$='/publish'] button").await;
    assert!(browser.text().await.contains("requests are refused"), "unpublished");
    let body = json!({ "title": "Too late" }).to_string();
    let refused = app
        .client
        .post(&endpoint)
        .header("X-DealFlow-Signature", sign(&rotated, body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "an unpublished source refuses");

    click(&browser, "form[action$='/delete'] button").await;
    assert_eq!(browser.path().await, "/sources");
    assert_eq!(app.get_ok("/api/sources").await["total"], 0, "deleted as DELETE /api/sources/{{id}}/delete does");
    browser.close().await;
}

#[tokio::test]
async fn a_bad_name_is_refused_in_the_apis_words_next_to_the_field_and_a_preset_gives_its_scheme() {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    let (cookie, token) = (browser.session_cookie().await, browser.csrf_token().await);
    let long = "x".repeat(256);

    let answer = forged_post(&app, "/sources/new", &cookie, &[("csrf", &token), ("name", &long)]).await;

    assert_eq!(answer.status(), 422);
    let api = app.as_admin(reqwest::Method::POST, "/api/sources/new").json(&json!({ "name": long })).send().await;
    let api = crate::helpers::error_body(api.unwrap(), 422).await;
    let html = answer.text().await.unwrap();
    let words = api["details"]["name"][0].as_str().unwrap();
    assert!(html.contains(&format!("<p class=\"error\" id=\"name-error\">{words}</p>")), "{words} in {html}");
    assert_eq!(app.get_ok("/api/sources").await["total"], 0);

    // A preset's sender signs its own way: its scheme and mapping, and no dealflow snippet.
    let fields = [("csrf", token.as_str()), ("name", "Typeform leads"), ("preset", "typeform")];
    let created = forged_post(&app, "/sources/new", &cookie, &fields).await;
    assert_eq!(created.status(), 200);
    let html = created.text().await.unwrap();
    let preset = domain::mapping::presets::find("typeform").unwrap();
    assert!(
        html.contains(preset.label)
            && html.contains(&preset.docs_url.replace('/', "&#x2f;"))
            && !html.contains("openssl"),
        "{html}"
    );
    let source = &app.get_ok("/api/sources").await["sources"][0];
    assert_eq!((&source["preset"], &source["signature"]), (&json!("typeform"), &json!("typeform")));
    browser.close().await;
}

#[tokio::test]
async fn an_analyst_sees_no_source_write_control_and_forged_source_writes_are_refused_403() {
    let app = spawn_app().await;
    let source = app.create_source("Read only").await;
    let password = app.add_user("ann", Role::Analyst).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("ann", &password).await;

    browser.open("/sources").await;
    assert!(browser.text().await.contains("Read only"), "analysts see the list");
    assert_eq!(browser.count("main form[method=post]").await, 0, "but no create form");
    browser.open(&format!("/sources/{}", source.id)).await;
    assert_eq!(browser.count("main form[method=post]").await, 0, "no rotate, publish or delete");
    assert!(browser.text().await.contains("Request log"));
    let (cookie, token) = (browser.session_cookie().await, browser.csrf_token().await);
    let head = app.head();

    for (path, fields) in [
        ("/sources/new".to_owned(), vec![("name", "Forged")]),
        (format!("/sources/{}/secret/rotate", source.id), vec![]),
        (format!("/sources/{}/publish", source.id), vec![("is_published", "false")]),
        (format!("/sources/{}/delete", source.id), vec![]),
        (format!("/sources/{}/mapping", source.id), vec![("mapping", "")]),
        (format!("/sources/{}/mapping/test", source.id), vec![("sample", "{}")]),
    ] {
        let mut form = vec![("csrf", token.as_str())];
        form.extend(fields);
        let forged = forged_post(&app, &path, &cookie, &form).await;
        assert_eq!(forged.status(), 403, "{path}");
        assert!(forged.text().await.unwrap().contains("read-only"), "{path}: in the API's words");
    }
    assert_eq!(app.head(), head, "nothing was written");
    assert_eq!(app.get_ok("/api/sources").await["sources"][0]["is_published"], true);
    browser.close().await;
}

#[tokio::test]
async fn every_source_post_without_or_with_a_wrong_csrf_token_is_refused_403_even_for_an_admin() {
    let app = spawn_app().await;
    let source = app.create_source("Guarded").await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    let cookie = browser.session_cookie().await;
    let head = app.head();
    let id = source.id;

    for path in [
        "/sources/new".to_owned(),
        format!("/sources/{id}/secret/rotate"),
        format!("/sources/{id}/publish"),
        format!("/sources/{id}/delete"),
        format!("/sources/{id}/mapping"),
        format!("/sources/{id}/mapping/test"),
    ] {
        let missing = forged_post(&app, &path, &cookie, &[("name", "Forged"), ("is_published", "false")]).await;
        assert_eq!(missing.status(), 403, "{path} without a token");
        let wrong = forged_post(&app, &path, &cookie, &[("name", "Forged"), ("csrf", "0123")]).await;
        assert_eq!(wrong.status(), 403, "{path} with a wrong token");
    }
    assert_eq!(app.head(), head, "nothing was written");
    assert_eq!(app.get_ok("/api/sources").await["total"], 1);
    browser.close().await;
}

#[tokio::test]
async fn a_senders_own_secret_pasted_into_the_new_source_form_verifies_that_senders_webhooks() {
    let app = spawn_app().await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    let scheme = domain::signature::SignatureScheme::Stripe;
    let pasted = crate::sender_helpers::imported_secret(scheme).expect("Stripe shows its own secret");
    browser.open("/sources").await;
    browser.client.find(Locator::Id("name")).await.unwrap().send_keys("Stripe").await.unwrap();
    let preset = browser.client.find(Locator::Css("#preset option[value=stripe]")).await.unwrap();
    preset.click().await.unwrap();
    browser.client.find(Locator::Id("secret")).await.unwrap().send_keys(pasted).await.unwrap();
    click(&browser, ".new-source button[type=submit]").await;

    let source = &app.get_ok("/api/sources").await["sources"][0];
    assert_eq!(source["signature"], "stripe", "{source}");
    let source =
        crate::sender_helpers::SenderSource { id: source["id"].as_u64().unwrap(), secret: pasted.to_owned(), scheme };
    let body = serde_json::to_vec(&crate::sender_helpers::fixture("stripe")).unwrap();
    let answer = app.send_signed(&source, &body, "application/json", &[]).await;
    assert_eq!(answer.status(), 201, "signed with the pasted secret: {}", answer.text().await.unwrap_or_default());
    browser.close().await;
}
