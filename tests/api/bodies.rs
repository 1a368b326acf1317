//! One body reader for every `/api` route (issue 10, item 3): `curl -d '{…}'` labels JSON as a
//! form, and every route reads it as JSON and applies it; a body that is neither JSON nor a form
//! is 400 (labelled as a form) or 415 (another label), and changes nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const FORM: &str = "application/x-www-form-urlencoded";

/// Every `/api` route that takes a body, as `(method, route)` (also walked by `strict.rs`).
pub const BODY_ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/pipelines/new"),
    ("PATCH", "/api/pipelines/{id}/edit"),
    ("PUT", "/api/pipelines/{id}/edit"),
    ("POST", "/api/deals/new"),
    ("PATCH", "/api/deals/{id}/edit"),
    ("PUT", "/api/deals/{id}/edit"),
    ("POST", "/api/deals/{id}/stage"),
    ("POST", "/api/deals/{id}/contacts/add"),
    ("POST", "/api/deals/{id}/notes/new"),
    ("POST", "/api/deals/{id}/tasks/new"),
    ("POST", "/api/contacts/new"),
    ("PATCH", "/api/contacts/{id}/edit"),
    ("PUT", "/api/contacts/{id}/edit"),
    ("POST", "/api/sources/new"),
    ("PATCH", "/api/sources/{id}/edit"),
    ("PUT", "/api/sources/{id}/edit"),
    ("POST", "/api/sources/{id}/mapping/test"),
    ("POST", "/api/categories/new"),
    ("POST", "/api/hooks/new"),
    ("PATCH", "/api/hooks/{id}/edit"),
    ("PUT", "/api/hooks/{id}/edit"),
    ("POST", "/api/hooks/batch/new"),
    ("PUT", "/api/hooks/batch/edit"),
    ("PATCH", "/api/hooks/batch/edit"),
    ("PATCH", "/api/settings/webhooks"),
    ("POST", "/api/hooks/{id}/replay"),
];

/// Walks the routes, remembering which were walked.
struct Walk<'a> {
    app: &'a TestApp,
    walked: Vec<(String, String)>,
}

impl Walk<'_> {
    /// Sends `body` as `curl -d` does (JSON text labelled as a form) and answers the JSON,
    /// asserting a 2xx.
    async fn send(&mut self, method: &str, route: &str, id: u64, body: Value) -> Value {
        self.walked.push((method.to_owned(), route.to_owned()));
        let path = route.replace("{id}", &id.to_string());
        let response = self
            .app
            .as_admin(Method::from_bytes(method.as_bytes()).unwrap(), &path)
            .header("Content-Type", FORM)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let answer = json(response).await;
        assert!(status.is_success(), "{method} {path} {body}: {status} {answer}");
        answer
    }

    /// Asserts what a GET shows at a JSON pointer.
    async fn shows(&self, path: &str, pointer: &str, expected: Value) {
        let got = self.app.get_ok(path).await;
        assert_eq!(got.pointer(pointer), Some(&expected), "GET {path} at {pointer}: {got}");
    }
}

#[tokio::test]
async fn every_body_route_reads_json_labelled_as_a_form_and_applies_it() {
    let app = spawn_driven_app().await;
    let mut walk = Walk { app: &app, walked: Vec::new() };

    let pipeline = walk
        .send(
            "POST",
            "/api/pipelines/new",
            0,
            json!({ "name": "Partners", "stages": [
            { "name": "Intro", "type": "open" }, { "name": "Signed", "type": "won" }] }),
        )
        .await["pipeline"]["id"]
        .as_u64()
        .unwrap();
    walk.shows(&format!("/api/pipelines/{pipeline}"), "/pipeline/name", json!("Partners")).await;
    walk.send("PATCH", "/api/pipelines/{id}/edit", pipeline, json!({ "name": "Partner deals" })).await;
    walk.shows(&format!("/api/pipelines/{pipeline}"), "/pipeline/name", json!("Partner deals")).await;
    walk.send("PUT", "/api/pipelines/{id}/edit", pipeline, json!({ "name": "Partners again" })).await;
    walk.shows(&format!("/api/pipelines/{pipeline}"), "/pipeline/name", json!("Partners again")).await;

    let deal = walk.send("POST", "/api/deals/new", 0, json!({ "title": "Acme", "amount": 100 })).await["deal"]["id"]
        .as_u64()
        .unwrap();
    let path = format!("/api/deals/{deal}");
    walk.shows(&path, "/deal/title", json!("Acme")).await;
    walk.send("PATCH", "/api/deals/{id}/edit", deal, json!({ "title": "Acme 2" })).await;
    walk.shows(&path, "/deal/title", json!("Acme 2")).await;
    walk.send("PUT", "/api/deals/{id}/edit", deal, json!({ "amount": 250.5 })).await;
    walk.shows(&path, "/deal/amount", json!(250.5)).await;
    let stages = app.get_ok("/api/pipelines/1").await["pipeline"]["stages"].clone();
    let second = stages[1]["id"].clone();
    walk.send("POST", "/api/deals/{id}/stage", deal, json!({ "stage_id": second })).await;
    walk.shows(&path, "/deal/stage/id", second).await;
    walk.send("POST", "/api/deals/{id}/contacts/add", deal, json!({ "email": "bob@acme.com" })).await;
    walk.shows(&path, "/deal/contacts/0/email", json!("bob@acme.com")).await;
    walk.send("POST", "/api/deals/{id}/notes/new", deal, json!({ "text": "Called Bob" })).await;
    walk.shows(&path, "/deal/notes/0/text", json!("Called Bob")).await;
    walk.send("POST", "/api/deals/{id}/tasks/new", deal, json!({ "title": "Send the contract" })).await;
    walk.shows(&path, "/deal/tasks/0/title", json!("Send the contract")).await;

    let contact = walk.send("POST", "/api/contacts/new", 0, json!({ "email": "jane@acme.com" })).await["contact"]["id"]
        .as_u64()
        .unwrap();
    let path = format!("/api/contacts/{contact}");
    walk.shows(&path, "/contact/email", json!("jane@acme.com")).await;
    walk.send("PATCH", "/api/contacts/{id}/edit", contact, json!({ "first_name": "Jane" })).await;
    walk.shows(&path, "/contact/first_name", json!("Jane")).await;
    walk.send("PUT", "/api/contacts/{id}/edit", contact, json!({ "company": "Acme" })).await;
    walk.shows(&path, "/contact/company", json!("Acme")).await;

    let source = walk
        .send("POST", "/api/sources/new", 0, json!({ "name": "Forms", "default_pipeline_id": pipeline }))
        .await["source"]["id"]
        .as_u64()
        .unwrap();
    let path = format!("/api/sources/{source}");
    walk.shows(&path, "/source/default_pipeline_id", json!(pipeline)).await;
    walk.send("PATCH", "/api/sources/{id}/edit", source, json!({ "name": "Web forms" })).await;
    walk.shows(&path, "/source/name", json!("Web forms")).await;
    walk.send("PUT", "/api/sources/{id}/edit", source, json!({ "name": "All forms", "is_published": false })).await;
    walk.shows(&path, "/source/is_published", json!(false)).await;
    let preview =
        walk.send("POST", "/api/sources/{id}/mapping/test", source, json!({ "body": { "title": "Preview" } })).await;
    assert_eq!(preview["deal"]["title"], "Preview", "{preview}");

    let category =
        walk.send("POST", "/api/categories/new", 0, json!({ "title": "Sales hooks" })).await["category"]["id"]
            .as_u64()
            .unwrap();
    walk.shows(&format!("/api/categories/{category}"), "/category/alias", json!("sales-hooks")).await;

    let hook = hook_body("CRM", "http://127.0.0.1:9/in", &["dealflow.deal.created"]);
    let hook = walk.send("POST", "/api/hooks/new", 0, hook).await["hook"]["id"].as_u64().unwrap();
    let path = format!("/api/hooks/{hook}");
    walk.shows(&path, "/hook/name", json!("CRM")).await;
    walk.send("PATCH", "/api/hooks/{id}/edit", hook, json!({ "isPublished": false })).await;
    walk.shows(&path, "/hook/isPublished", json!(false)).await;
    let replaced =
        json!({ "name": "CRM 2", "webhookUrl": "http://127.0.0.1:9/in", "triggers": ["dealflow.deal.created"] });
    walk.send("PUT", "/api/hooks/{id}/edit", hook, replaced).await;
    walk.shows(&path, "/hook/name", json!("CRM 2")).await;

    let batch = walk
        .send(
            "POST",
            "/api/hooks/batch/new",
            0,
            json!([hook_body("B", "http://127.0.0.1:9/b", &["dealflow.deal.won"])]),
        )
        .await;
    let batch_hook = batch["hooks"][0]["id"].as_u64().unwrap();
    let path = format!("/api/hooks/{batch_hook}");
    walk.shows(&path, "/hook/name", json!("B")).await;
    let put = json!([{ "id": batch_hook, "name": "B put", "webhookUrl": "http://127.0.0.1:9/b", "triggers": ["dealflow.deal.won"] }]);
    walk.send("PUT", "/api/hooks/batch/edit", 0, put).await;
    walk.shows(&path, "/hook/name", json!("B put")).await;
    walk.send("PATCH", "/api/hooks/batch/edit", 0, json!([{ "id": batch_hook, "name": "B patched" }])).await;
    walk.shows(&path, "/hook/name", json!("B patched")).await;

    walk.send("PATCH", "/api/settings/webhooks", 0, json!({ "timeout": 7 })).await;
    walk.shows("/api/settings/webhooks", "/settings/timeout", json!(7)).await;

    // Without its body, a replay only requeues failures: `queued` proves `from_position` was read.
    let replayed = walk.send("POST", "/api/hooks/{id}/replay", hook, json!({ "from_position": 1 })).await;
    assert!(replayed["replay"]["queued"].as_u64() >= Some(1), "{replayed}");

    let walked: Vec<(&str, &str)> = walk.walked.iter().map(|(m, r)| (m.as_str(), r.as_str())).collect();
    assert_eq!(walked, BODY_ROUTES, "the walk covers every body route");
}

#[tokio::test]
async fn a_body_that_is_neither_json_nor_a_form_is_refused_on_every_body_route_and_changes_nothing() {
    let app = spawn_driven_app().await;
    let deal = app.create_deal(json!({ "title": "Acme" })).await["id"].as_u64().unwrap();
    let hook = app.create_hook(hook_body("CRM", "http://127.0.0.1:9/in", &["dealflow.deal.won"])).await;
    let source = app.create_source("Forms").await.id;
    let head = app.head();
    for (method, route) in BODY_ROUTES {
        let id = match route {
            r if r.starts_with("/api/deals/") => deal,
            r if r.starts_with("/api/sources/") => source,
            r if r.starts_with("/api/hooks/{id}") => hook["id"].as_u64().unwrap(),
            _ => 1,
        };
        let path = route.replace("{id}", &id.to_string());
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        for (label, status) in [(FORM, 400), ("text/plain", 415), ("application/json", 400)] {
            let response =
                app.as_admin(method.clone(), &path).header("Content-Type", label).body("this is no body").send().await;
            let error = error_body(response.unwrap(), status).await;
            let message = error["message"].as_str().unwrap().to_owned();
            assert!(message.contains("JSON"), "{method} {path} as {label}: {message}");
        }
    }
    assert_eq!(app.head(), head, "nothing was stored");
}

#[tokio::test]
async fn a_php_form_is_still_read_as_a_form_and_a_batch_whose_items_all_failed_is_422() {
    let app = spawn_app().await;
    let created = app
        .as_admin(Method::POST, "/api/hooks/new")
        .header("Content-Type", FORM)
        .body("name=x&triggers%5B0%5D=dealflow.deal.won&webhookUrl=http%3A%2F%2F127.0.0.1%3A9%2Fin")
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(json(created).await["hook"]["name"], "x");

    let bad = json!([{ "name": "bad", "webhookUrl": "ftp://example.com", "triggers": ["dealflow.deal.won"] },
                     { "name": "worse", "webhookUrl": "http://127.0.0.1:9/", "triggers": ["nope"] }]);
    let head = app.head();
    let response = app.send_json(Method::POST, "/api/hooks/batch/new", &bad).await;
    assert_eq!(response.status(), 422);
    let answer = json(response).await;
    assert_eq!(answer["statusCodes"], json!([422, 422]));
    assert!(answer["errors"]["0"]["details"]["webhookUrl"].is_array(), "{answer}");
    assert!(answer["errors"]["1"]["details"]["triggers"].is_array(), "{answer}");
    let patch = app.send_json(Method::PATCH, "/api/hooks/batch/edit", &json!([{ "id": 999, "name": "n" }])).await;
    assert_eq!(patch.status(), 422);
    let delete = app.as_admin(Method::DELETE, "/api/hooks/batch/delete?ids[]=998&ids[]=999").send().await.unwrap();
    assert_eq!(delete.status(), 422);
    assert_eq!(json(delete).await["statusCodes"], json!([404, 404]));
    assert_eq!(app.head(), head, "nothing was stored");
}
