//! Ids beyond SQLite's integers (2^63 to 2^64−1) in a path, a query or a body answer 404, 400 or
//! 422, never 500 (issue 10, item 13): every route that takes an id is walked with both ends. A
//! `GET`'s query parameter is a 400 like every other bad query value (`docs/api.md`); a batch
//! answers per item.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const TOO_LARGE: [&str; 2] = ["9223372036854775808", "18446744073709551615"];

/// A request template: `{X}` is the large id, `{deal}`, `{task}`, `{hook}`, `{source}` and
/// `{contact}` real ones; a body of `null` sends none.
const PATH_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/deals/{X}"),
    ("GET", "/api/deals/{X}/history"),
    ("PATCH", "/api/deals/{X}/edit"),
    ("PUT", "/api/deals/{X}/edit"),
    ("POST", "/api/deals/{X}/stage"),
    ("POST", "/api/deals/{X}/contacts/add"),
    ("POST", "/api/deals/{X}/notes/new"),
    ("POST", "/api/deals/{X}/tasks/new"),
    ("POST", "/api/deals/{X}/tasks/{task}/complete"),
    ("POST", "/api/deals/{deal}/tasks/{X}/complete"),
    ("GET", "/api/pipelines/{X}"),
    ("GET", "/api/pipelines/{X}/board"),
    ("PATCH", "/api/pipelines/{X}/edit"),
    ("PUT", "/api/pipelines/{X}/edit"),
    ("DELETE", "/api/pipelines/{X}/delete"),
    ("GET", "/api/contacts/{X}"),
    ("PATCH", "/api/contacts/{X}/edit"),
    ("PUT", "/api/contacts/{X}/edit"),
    ("GET", "/api/sources/{X}"),
    ("PATCH", "/api/sources/{X}/edit"),
    ("PUT", "/api/sources/{X}/edit"),
    ("DELETE", "/api/sources/{X}/delete"),
    ("POST", "/api/sources/{X}/secret/rotate"),
    ("GET", "/api/hooks/{X}"),
    ("PATCH", "/api/hooks/{X}/edit"),
    ("PUT", "/api/hooks/{X}/edit"),
    ("DELETE", "/api/hooks/{X}/delete"),
    ("GET", "/api/hooks/{X}/logs"),
    ("POST", "/api/hooks/{X}/test"),
    ("POST", "/api/hooks/{X}/replay"),
    ("GET", "/api/categories/{X}"),
    ("POST", "/deal-flow/settings/inbound-webhooks/{X}/receive"),
];

const QUERY_ROUTES: &[&str] = &[
    "/api/deals?pipeline_id={X}",
    "/api/deals?stage_id={X}",
    "/api/deals?source_id={X}",
    "/api/deals?contact_id={X}",
    "/api/events?after={X}",
    "/api/events/export?after={X}",
    "/api/hooks?search=ids:{X}",
    "/api/hooks?where[0][col]=id&where[0][expr]=eq&where[0][val]={X}",
    "/api/hooks?where[0][col]=category&where[0][expr]=in&where[0][val][]={X}",
    "/api/hooks/batch/delete?ids[]={X}",
];

/// `(method, path, body)`: `{X}` inside a body is the large id as a JSON number.
const BODY_ROUTES: &[(&str, &str, &str)] = &[
    ("POST", "/api/deals/new", r#"{"title": "t", "pipeline_id": {X}}"#),
    ("POST", "/api/deals/new", r#"{"title": "t", "stage_id": {X}}"#),
    ("POST", "/api/deals/new", r#"{"title": "t", "contact_ids": [{X}]}"#),
    ("POST", "/api/deals/{deal}/stage", r#"{"stage_id": {X}}"#),
    ("POST", "/api/deals/{deal}/stage", r#"{"stage_id": 1, "pipeline_id": {X}}"#),
    ("POST", "/api/deals/{deal}/contacts/add", r#"{"contact_id": {X}}"#),
    ("PATCH", "/api/pipelines/1/edit", r#"{"stages": [{"id": {X}, "name": "n"}]}"#),
    ("POST", "/api/sources/new", r#"{"name": "s", "default_pipeline_id": {X}}"#),
    ("PATCH", "/api/sources/{source}/edit", r#"{"default_pipeline_id": "{X}"}"#),
    (
        "POST",
        "/api/hooks/new",
        r#"{"name": "h", "webhookUrl": "http://127.0.0.1:9/", "triggers": ["dealflow.deal.won"], "category": {X}}"#,
    ),
    ("PATCH", "/api/hooks/{hook}/edit", r#"{"category": {"id": {X}}}"#),
    (
        "PUT",
        "/api/hooks/batch/edit",
        r#"[{"id": {X}, "name": "h", "webhookUrl": "http://127.0.0.1:9/", "triggers": ["dealflow.deal.won"]}]"#,
    ),
    ("PATCH", "/api/hooks/batch/edit", r#"[{"id": "{X}", "name": "h"}]"#),
    ("POST", "/api/hooks/{hook}/replay", r#"{"from_position": {X}}"#),
];

struct Fixture {
    deal: u64,
    task: u64,
    hook: u64,
    source: u64,
}

impl Fixture {
    fn fill(&self, template: &str, large: &str) -> String {
        template
            .replace("{X}", large)
            .replace("{deal}", &self.deal.to_string())
            .replace("{task}", &self.task.to_string())
            .replace("{hook}", &self.hook.to_string())
            .replace("{source}", &self.source.to_string())
    }
}

async fn fixture(app: &TestApp) -> Fixture {
    let deal = app.create_deal(json!({ "title": "Acme" })).await["id"].as_u64().unwrap();
    let task =
        app.post_ok(&format!("/api/deals/{deal}/tasks/new"), &json!({ "title": "Call" }), 201).await["task"]["id"]
            .as_u64()
            .unwrap();
    let hook = app.create_hook(hook_body("CRM", "http://127.0.0.1:9/in", &["dealflow.deal.won"])).await["id"]
        .as_u64()
        .unwrap();
    let source = app.create_source("Forms").await.id;
    Fixture { deal, task, hook, source }
}

async fn assert_refused(app: &TestApp, method: &str, path: &str, body: Option<String>, allowed: &[u16]) {
    let mut request = app.as_admin(Method::from_bytes(method.as_bytes()).unwrap(), path);
    if let Some(body) = &body {
        request = request.header("Content-Type", "application/json").body(body.clone());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert!(allowed.contains(&status), "{method} {path} {body:?}: {status} {text}");
}

#[tokio::test]
async fn every_route_that_takes_an_id_answers_404_400_or_422_for_ids_beyond_sqlite_integers() {
    let app = spawn_driven_app().await;
    let ids = fixture(&app).await;
    let head = app.head();
    for large in TOO_LARGE {
        for (method, template) in PATH_ROUTES {
            let body = (*method != "GET" && *method != "DELETE").then(|| "{}".to_owned());
            assert_refused(&app, method, &ids.fill(template, large), body, &[404]).await;
        }
        for template in QUERY_ROUTES {
            let (method, status) = if template.contains("batch/delete") { ("DELETE", 422) } else { ("GET", 400) };
            assert_refused(&app, method, &ids.fill(template, large), None, &[status]).await;
        }
        for (method, template, body) in BODY_ROUTES {
            let body = ids.fill(body, large);
            assert_refused(&app, method, &ids.fill(template, large), Some(body), &[404, 422]).await;
        }
    }
    assert_eq!(app.head(), head, "nothing was stored");
    assert_eq!(app.get("/health").await.status(), 200, "the server is still up");
}

#[tokio::test]
async fn the_largest_id_sqlite_holds_is_simply_not_found() {
    let app = spawn_app().await;
    let largest = "9223372036854775807";
    let answer = error_body(app.admin_get(&format!("/api/deals/{largest}")).await, 404).await;
    assert!(answer["message"].as_str().unwrap().contains(largest), "{answer}");
    let listed = app.get_ok(&format!("/api/deals?pipeline_id={largest}")).await;
    assert_eq!(listed["total"], 0);
    let message: Value =
        error_body(app.admin_get("/api/deals/9223372036854775808").await, 404).await["message"].clone();
    assert!(message.as_str().unwrap().contains("9223372036854775807"), "names the largest id: {message}");
}
