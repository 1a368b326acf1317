//! Hook URLs are checked when saved (issue 10, items 11 and 13): a host name that resolves to a
//! refused range is 422 naming the address, so are addresses of the IANA special-purpose
//! registries written directly, and control characters anywhere in the URL. Every route that
//! saves a URL is walked. `allow_private_targets` still lets loopback through.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

/// Sends a hook URL through every route that saves one and answers each 422's `webhookUrl`
/// message (batches answer per item).
async fn refusals(app: &TestApp, url: &str) -> Vec<String> {
    let hook = |name: &str| json!({ "name": name, "webhookUrl": url, "triggers": ["dealflow.deal.won"] });
    let existing = 1;
    let mut messages = Vec::new();
    for (method, path, body) in [
        (Method::POST, "/api/hooks/new".to_owned(), hook("new")),
        (Method::PATCH, format!("/api/hooks/{existing}/edit"), json!({ "webhookUrl": url })),
        (Method::PUT, format!("/api/hooks/{existing}/edit"), hook("put")),
        (Method::POST, "/api/hooks/batch/new".to_owned(), json!([hook("batch")])),
        (
            Method::PUT,
            "/api/hooks/batch/edit".to_owned(),
            json!([{ "id": existing, "name": "b", "webhookUrl": url, "triggers": ["dealflow.deal.won"] }]),
        ),
        (Method::PATCH, "/api/hooks/batch/edit".to_owned(), json!([{ "id": existing, "webhookUrl": url }])),
    ] {
        let response = app.send_json(method.clone(), &path, &body).await;
        assert_eq!(response.status(), 422, "{method} {path} with {url:?}");
        let answer = json(response).await;
        let error: &Value = if path.contains("batch") { &answer["errors"]["0"] } else { &answer["errors"][0] };
        messages.push(error["details"]["webhookUrl"][0].as_str().unwrap_or_default().to_owned());
    }
    messages
}

async fn strict_app_with_a_hook() -> TestApp {
    let app = spawn_app_with(|settings| settings.webhooks.allow_private_targets = false).await;
    app.create_hook(hook_body("public", "https://93.184.216.34/in", &["dealflow.deal.won"])).await;
    app
}

#[tokio::test]
async fn a_host_name_that_resolves_to_loopback_is_refused_when_saved_naming_the_address() {
    let app = strict_app_with_a_hook().await;
    let head = app.head();
    for message in refusals(&app, "http://localhost:9/in").await {
        assert!(
            message.contains("localhost resolves to 127.0.0.1") || message.contains("localhost resolves to ::1"),
            "{message}"
        );
        assert!(message.contains("loopback"), "names the range: {message}");
    }
    assert_eq!(app.head(), head, "nothing was stored");
}

#[tokio::test]
async fn special_purpose_addresses_are_refused_when_saved() {
    let app = strict_app_with_a_hook().await;
    for (url, range) in [
        ("http://10.0.0.1/", "private use"),
        ("http://[::ffff:169.254.169.254]/", "link local"),
        ("http://[::127.0.0.1]/", "IPv4-compatible"),
        ("http://[64:ff9b::a00:1]/", "NAT64 well-known prefix of 10.0.0.1"),
        ("http://[64:ff9b:1::808:808]/", "NAT64 local-use"),
        ("http://[2002:c0a8:101::1]/", "6to4 of 192.168.1.1"),
        ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo"),
        ("http://198.51.100.7/", "documentation"),
        ("http://198.18.0.1/", "benchmarking"),
        ("http://239.1.2.3/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://250.1.2.3/", "reserved"),
    ] {
        let messages = refusals(&app, url).await;
        assert!(messages.iter().all(|m| m.contains(range)), "{url}: {messages:?}");
    }
}

#[tokio::test]
async fn control_characters_in_a_hook_url_are_refused_when_saved() {
    let app = strict_app_with_a_hook().await;
    for url in [
        "https://93.184.216.34/in\r\nX-Injected: 1",
        "https://93.184.216.34/in\n",
        "https://93.184.216.34/\tin",
        "https://93.184.216.34/\u{7f}",
    ] {
        for message in refusals(&app, url).await {
            assert!(message.contains("control characters"), "{url:?}: {message}");
        }
    }
    let form = app
        .as_admin(Method::POST, "/api/hooks/new")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("name=x&triggers%5B0%5D=dealflow.deal.won&webhookUrl=https%3A%2F%2F93.184.216.34%2Fin%0D%0AX%3A%201")
        .send()
        .await
        .unwrap();
    error_body(form, 422).await;
}

#[tokio::test]
async fn allow_private_targets_still_lets_loopback_names_through() {
    let app = spawn_app().await;
    let hook = app.create_hook(hook_body("local", "http://localhost:9/in", &["dealflow.deal.won"])).await;
    assert_eq!(hook["webhookUrl"], "http://localhost:9/in");
}
