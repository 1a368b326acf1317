//! The role table (issue 10, item 8): analysts read every GET — hooks (without their secret),
//! triggers, logs and categories included — and no write. The test walks the one table the
//! middleware reads, route by route, and checks that every route `docs/api.md` documents is in it.

use api::Role;
use reqwest::Method;
use serde_json::json;
use server::auth::access::{RULES, Rule};

use crate::helpers::*;

/// A concrete path for a rule's pattern (ids of entities the test created).
fn path_of(rule: &Rule) -> String {
    rule.pattern.replace("{id}", "1").replace("{task_id}", "1")
}

#[tokio::test]
async fn every_get_is_open_to_analysts_and_every_write_needs_an_admin() {
    let app = spawn_driven_app().await;
    let password = app.add_user("ana", Role::Analyst).await;
    app.create_hook(hook_body("CRM", "http://127.0.0.1:9/hook", &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Acme" })).await;
    app.create_source("Form").await;
    app.post_ok("/api/contacts/new", &json!({ "email": "jane@acme.com" }), 201).await;
    app.post_ok("/api/categories/new", &json!({ "title": "Sales" }), 201).await;

    for rule in RULES {
        let method = Method::from_bytes(rule.method.as_bytes()).unwrap();
        let response = app
            .client
            .request(method, app.url(&path_of(rule)))
            .basic_auth("ana", Some(&password))
            .json(&json!({}))
            .send()
            .await
            .unwrap();

        let status = response.status().as_u16();
        match rule.role {
            Role::Analyst => assert!(status < 400, "{} {} as analyst: {status}", rule.method, rule.pattern),
            Role::Admin => assert_eq!(status, 403, "{} {} as analyst", rule.method, rule.pattern),
        }
    }
}

#[tokio::test]
async fn every_route_in_the_api_reference_is_in_the_role_table() {
    let reference = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md")).unwrap();
    let normalise = |pattern: &str| {
        let path = pattern.split('?').next().unwrap_or_default();
        path.split('/').map(|part| if part.starts_with('{') { "{}" } else { part }).collect::<Vec<_>>().join("/")
    };
    let documented: Vec<(String, String)> = reference
        .split('`')
        .filter_map(|code| code.split_once(" /api/"))
        .filter(|(method, _)| ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method))
        .map(|(method, path)| (method.to_owned(), normalise(&format!("/api/{path}"))))
        .collect();

    assert!(documented.len() > 10, "the reference lists routes: {documented:?}");
    for (method, path) in documented {
        let listed = RULES.iter().any(|rule| rule.method == method && normalise(rule.pattern) == path);
        assert!(listed, "{method} {path} is documented but not in the role table");
    }
}

#[tokio::test]
async fn analysts_read_hooks_without_their_secret_or_the_credentials_in_their_url() {
    let app = spawn_driven_app().await;
    let password = app.add_user("ana", Role::Analyst).await;
    let url = "http://wp:pass@127.0.0.1:9/hook?key=abc";
    let hook = app.create_hook(hook_body("CRM", url, &["dealflow.deal.created"])).await;

    let as_analyst = |path: String| {
        let request = app.client.get(app.url(&path)).basic_auth("ana", Some(&password));
        async move { json(request.send().await.unwrap()).await }
    };
    let one = as_analyst(format!("/api/hooks/{}", hook["id"])).await;
    let list = as_analyst("/api/hooks".to_owned()).await;

    assert_eq!(one["hook"]["name"], "CRM");
    assert!(one["hook"].get("secret").is_none(), "{one}");
    assert!(list["hooks"][hook["id"].to_string()].get("secret").is_none(), "{list}");
    assert!(hook["secret"].as_str().is_some_and(|s| !s.is_empty()), "admins still see it");
    for shown in [&one["hook"]["webhookUrl"], &list["hooks"][hook["id"].to_string()]["webhookUrl"]] {
        assert_eq!(shown, "http://wp:withheld@127.0.0.1:9/hook?key=withheld");
    }
    assert_eq!(hook["webhookUrl"], url, "admins see the URL verbatim");
}
