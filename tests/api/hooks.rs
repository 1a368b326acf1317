//! Mautic's `/api/hooks` REST contract (SPEC §7, issue 5).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const URL: &str = "https://receiver.example.com/webhook?key=abc";

#[tokio::test]
async fn creating_a_hook_answers_201_with_mautics_shape_and_a_location() {
    let app = spawn_app().await;

    let response = app.send_json(Method::POST, "/api/hooks/new", &json!({ "name": "CRM sync", "webhookUrl": URL,
        "triggers": ["dealflow.deal.won", "mautic.lead_post_save_new", "dealflow.deal.created"], "description": "Sync" })).await;

    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], "/api/hooks/1");
    assert!(response.headers().contains_key("mautic-version"));
    let hook = json(response).await["hook"].clone();
    assert_eq!(hook["id"], 1);
    assert_eq!(hook["name"], "CRM sync");
    assert_eq!(hook["webhookUrl"], URL, "kept verbatim, query string included");
    assert_eq!(hook["triggers"], json!(["dealflow.deal.won", "mautic.lead_post_save_new", "dealflow.deal.created"]));
    assert_eq!(hook["isPublished"], true);
    assert_eq!(hook["eventsOrderbyDir"], Value::Null);
    assert_eq!(hook["category"], Value::Null);
    assert_eq!((hook["createdBy"].clone(), hook["createdByUser"].clone()), (json!(1), json!("admin")));
    assert_eq!(hook["modifiedBy"], Value::Null);
    assert_eq!(hook["payloadFormat"], "mautic");
    assert_eq!(hook["signatureFormat"], "mautic");
    assert_eq!(hook["secret"].as_str().unwrap().len(), 64, "a missing secret gets a random one");
    assert!(hook["dateAdded"].as_str().unwrap().ends_with("+00:00"), "{}", hook["dateAdded"]);
    assert_eq!(hook["health"]["pendingCount"], 0);
}

#[tokio::test]
async fn a_hook_is_read_back_by_id_and_unknown_or_malformed_ids_are_refused() {
    let app = spawn_app().await;
    let hook = app
        .create_hook(
            json!({ "name": "A", "webhookUrl": URL, "triggers": ["dealflow.deal.created"], "secret": "mySecret" }),
        )
        .await;

    let fetched = app.get_ok("/api/hooks/1").await;

    assert_eq!(fetched["hook"], hook);
    assert_eq!(fetched["hook"]["secret"], "mySecret");
    error_body(app.admin_get("/api/hooks/99").await, 404).await;
    let malformed = error_body(app.admin_get("/api/hooks/abc").await, 400).await;
    assert!(malformed["details"]["id"].is_array());
}

#[tokio::test]
async fn the_list_is_keyed_by_id_in_query_order_with_the_total() {
    let app = spawn_app().await;
    for name in ["b", "c", "a"] {
        app.create_hook(hook_body(name, URL, &["dealflow.deal.created"])).await;
    }
    for i in 0..8 {
        app.create_hook(hook_body(&format!("z{i}"), URL, &["dealflow.deal.created"])).await;
    }

    let text = app.admin_get("/api/hooks?orderBy=name&orderByDir=desc&limit=4").await.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    let by_id = app.get_ok("/api/hooks?limit=100").await;

    assert_eq!(body["total"], 11);
    let keys: Vec<&String> = body["hooks"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4);
    let key_order: Vec<usize> =
        ["\"11\":", "\"10\":", "\"9\":", "\"8\":"].iter().map(|k| text.find(k).unwrap()).collect();
    assert!(key_order.windows(2).all(|w| w[0] < w[1]), "keys follow the query order: {text}");
    assert_eq!(body["hooks"]["11"]["name"], "z7");
    let ids_text = serde_json::to_string(&by_id["hooks"]).unwrap();
    assert_eq!(by_id["hooks"].as_object().unwrap().len(), 11, "{ids_text}");
}

#[tokio::test]
async fn put_replaces_a_hook_completely_and_creates_a_missing_one() {
    let app = spawn_app().await;
    app.create_hook(json!({ "name": "Full", "webhookUrl": URL, "description": "will go", "eventsOrderbyDir": "DESC",
        "triggers": ["dealflow.deal.created", "dealflow.deal.won"], "secret": "old" }))
        .await;

    let replaced = app
        .send_json(
            Method::PUT,
            "/api/hooks/1/edit",
            &json!({ "name": "Replaced", "webhookUrl": URL,
        "triggers": ["dealflow.deal.lost"] }),
        )
        .await;
    let created = app
        .send_json(Method::PUT, "/api/hooks/42/edit", &hook_body("New via PUT", URL, &["dealflow.deal.created"]))
        .await;

    assert_eq!(replaced.status(), 200);
    let replaced = json(replaced).await["hook"].clone();
    assert_eq!(replaced["triggers"], json!(["dealflow.deal.lost"]), "triggers not sent are dropped");
    assert_eq!(replaced["description"], Value::Null);
    assert_eq!(replaced["eventsOrderbyDir"], Value::Null);
    assert_ne!(replaced["secret"], "old");
    assert_eq!((replaced["modifiedBy"].clone(), replaced["modifiedByUser"].clone()), (json!(1), json!("admin")));
    assert_eq!(created.status(), 201);
    assert_eq!(json(created).await["hook"]["name"], "New via PUT");
}

#[tokio::test]
async fn patching_with_the_whole_object_a_get_returned_plus_a_trigger_changes_only_the_triggers() {
    let app = spawn_app().await;
    let category = app.post_ok("/api/categories/new", &json!({ "title": "Important" }), 201).await;
    app.create_hook(json!({ "name": "Patched", "description": "keep me", "webhookUrl": URL, "secret": "s3cret",
        "eventsOrderbyDir": "ASC", "isPublished": false, "publishUp": "2026-01-01T00:00:00+00:00",
        "category": category["category"]["id"], "triggers": ["dealflow.deal.created"], "signatureFormat": "standard" }))
        .await;
    let mut hook = app.get_ok("/api/hooks/1").await["hook"].clone();
    hook["triggers"].as_array_mut().unwrap().push(json!("dealflow.deal.won"));

    let patched = json(app.send_json(Method::PATCH, "/api/hooks/1/edit", &hook).await).await["hook"].clone();

    assert_eq!(patched["triggers"], json!(["dealflow.deal.created", "dealflow.deal.won"]));
    let before = hook.as_object().unwrap();
    for (field, value) in patched.as_object().unwrap() {
        if !["triggers", "dateModified", "modifiedBy", "modifiedByUser"].contains(&field.as_str()) {
            assert_eq!(Some(value), before.get(field), "{field} changed");
        }
    }
    assert_eq!(patched["category"]["alias"], "important");
    assert_eq!(patched["modifiedByUser"], "admin");
}

#[tokio::test]
async fn patch_on_a_missing_hook_is_404() {
    let app = spawn_app().await;

    let response = app.send_json(Method::PATCH, "/api/hooks/5/edit", &json!({ "name": "x" })).await;

    error_body(response, 404).await;
    assert_eq!(app.get_ok("/api/hooks").await["total"], 0);
}

#[tokio::test]
async fn delete_answers_the_hook_as_it_was() {
    let app = spawn_app().await;
    let hook = app.create_hook(hook_body("Doomed", URL, &["dealflow.deal.created"])).await;

    let deleted = app.as_admin(Method::DELETE, "/api/hooks/1/delete").send().await.unwrap();

    assert_eq!(deleted.status(), 200);
    assert_eq!(json(deleted).await["hook"]["name"], hook["name"]);
    error_body(app.admin_get("/api/hooks/1").await, 404).await;
    error_body(app.as_admin(Method::DELETE, "/api/hooks/1/delete").send().await.unwrap(), 404).await;
}

#[tokio::test]
async fn batch_new_creates_the_good_items_and_reports_the_bad_ones_by_index() {
    let app = spawn_app().await;
    let body = json!([hook_body("one", URL, &["dealflow.deal.created"]), { "name": "bad", "webhookUrl": "ftp://x", "triggers": ["nope"] },
        hook_body("three", URL, &["dealflow.deal.won"])]);

    let answer = app.post_ok("/api/hooks/batch/new", &body, 201).await;

    assert_eq!(answer["statusCodes"], json!([201, 422, 201]));
    assert_eq!(answer["hooks"]["0"]["name"], "one");
    assert_eq!(answer["hooks"]["2"]["name"], "three");
    assert!(answer["hooks"].get("1").is_none());
    assert_eq!(answer["errors"]["1"]["code"], 422);
    assert!(
        answer["errors"]["1"]["details"]["webhookUrl"].is_array()
            && answer["errors"]["1"]["details"]["triggers"].is_array()
    );
    assert_eq!(app.get_ok("/api/hooks").await["total"], 2);
    let all_good =
        app.post_ok("/api/hooks/batch/new", &json!([hook_body("four", URL, &["dealflow.deal.created"])]), 201).await;
    assert!(all_good["hooks"].is_array() && all_good.get("errors").is_none());
}

#[tokio::test]
async fn batch_edit_puts_and_patches_each_item_on_its_own() {
    let app = spawn_app().await;
    app.create_hook(hook_body("one", URL, &["dealflow.deal.created"])).await;
    app.create_hook(hook_body("two", URL, &["dealflow.deal.created"])).await;

    let patched = json(
        app.send_json(
            Method::PATCH,
            "/api/hooks/batch/edit",
            &json!([{ "id": 1, "name": "uno" }, { "id": 9, "name": "x" },
        { "id": 2, "eventsOrderbyDir": "abrakadabra" }]),
        )
        .await,
    )
    .await;
    let put = json(
        app.send_json(
            Method::PUT,
            "/api/hooks/batch/edit",
            &json!([
        { "id": 2, "name": "dos", "webhookUrl": URL, "triggers": ["dealflow.deal.won"] },
        { "id": 77, "name": "new", "webhookUrl": URL, "triggers": ["dealflow.deal.won"] }]),
        )
        .await,
    )
    .await;

    assert_eq!(patched["statusCodes"], json!([200, 404, 422]));
    assert_eq!(patched["hooks"]["0"]["name"], "uno");
    assert!(patched["errors"]["2"]["details"]["eventsOrderbyDir"].is_array());
    assert_eq!(put["statusCodes"], json!([200, 201]));
    assert_eq!(put["hooks"][0]["triggers"], json!(["dealflow.deal.won"]));
}

#[tokio::test]
async fn batch_delete_takes_ids_and_reports_the_missing_ones() {
    let app = spawn_app().await;
    app.create_hook(hook_body("one", URL, &["dealflow.deal.created"])).await;
    app.create_hook(hook_body("two", URL, &["dealflow.deal.created"])).await;

    let answer =
        json(app.as_admin(Method::DELETE, "/api/hooks/batch/delete?ids[]=2&ids[]=5&ids[]=1").send().await.unwrap())
            .await;

    assert_eq!(answer["statusCodes"], json!([200, 404, 200]));
    assert_eq!(answer["hooks"]["0"]["name"], "two");
    assert_eq!(answer["errors"]["1"]["code"], 404);
    assert_eq!(app.get_ok("/api/hooks").await["total"], 0);
}

#[tokio::test]
async fn invalid_hooks_are_422_with_every_field_named_and_store_nothing() {
    let app = spawn_app().await;
    let head = app.head();
    let cases = [
        (json!({}), vec!["name", "triggers", "webhookUrl"]),
        (json!({ "name": "x", "webhookUrl": "not a url", "triggers": ["dealflow.deal.won"] }), vec!["webhookUrl"]),
        (
            json!({ "name": "x", "webhookUrl": "ftp://example.com/in", "triggers": ["dealflow.deal.won"] }),
            vec!["webhookUrl"],
        ),
        (json!({ "name": "x", "webhookUrl": URL, "triggers": ["dealflow.deal.exploded"] }), vec!["triggers"]),
        (
            json!({ "name": "x", "webhookUrl": URL, "triggers": ["dealflow.deal.won"], "eventsOrderbyDir": "abrakadabra" }),
            vec!["eventsOrderbyDir"],
        ),
        (
            json!({ "name": "x", "webhookUrl": URL, "triggers": ["dealflow.deal.won"], "category": 99 }),
            vec!["category"],
        ),
        (
            json!({ "name": "x", "webhookUrl": URL, "triggers": ["dealflow.deal.won"], "payloadFormat": "xml" }),
            vec!["payloadFormat"],
        ),
    ];
    for (body, fields) in cases {
        let error = error_body(app.send_json(Method::POST, "/api/hooks/new", &body).await, 422).await;
        let named: Vec<&String> = error["details"].as_object().unwrap().keys().collect();
        assert_eq!(named, fields, "{body}");
    }
    error_body(app.send_json(Method::PATCH, "/api/hooks/abc/edit", &json!({})).await, 400).await;
    assert_eq!(app.head(), head);
    assert_eq!(app.get_ok("/api/hooks").await["total"], 0);
}

#[tokio::test]
async fn a_hook_url_on_a_private_address_is_refused_unless_allowed() {
    let strict = spawn_app_with(|s| s.webhooks.allow_private_targets = false).await;
    for url in [
        "http://127.0.0.1:9000/in",
        "http://localhost/in",
        "http://10.0.0.7/in",
        "http://[::1]/in",
        "http://169.254.169.254/",
    ] {
        let error = error_body(
            strict.send_json(Method::POST, "/api/hooks/new", &hook_body("x", url, &["dealflow.deal.won"])).await,
            422,
        )
        .await;
        assert!(
            error["details"]["webhookUrl"][0].as_str().unwrap().contains("allow_private_targets"),
            "{url}: {error}"
        );
    }
    let relaxed = spawn_app().await;
    relaxed.create_hook(hook_body("local", "http://127.0.0.1:9000/in", &["dealflow.deal.won"])).await;
}

#[tokio::test]
async fn hook_changes_are_audited_in_the_log_without_the_secret() {
    let app = spawn_app().await;
    app.create_hook(
        json!({ "name": "Audited", "webhookUrl": URL, "triggers": ["dealflow.deal.won"], "secret": "do-not-log-me" }),
    )
    .await;
    app.send_json(Method::PATCH, "/api/hooks/1/edit", &json!({ "name": "Renamed", "secret": "nor-me" })).await;
    app.send_json(Method::PATCH, "/api/hooks/1/edit", &json!({ "name": "Renamed" })).await;
    app.as_admin(Method::DELETE, "/api/hooks/1/delete").send().await.unwrap();

    let history = app.get_ok("/api/events?stream=hook-1").await["events"].clone();

    let types: Vec<_> = history.as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["hook.created", "hook.updated", "hook.deleted"], "a PATCH that changes nothing records nothing");
    assert_eq!(history[1]["data"]["changes"]["name"], json!({ "old": "Audited", "new": "Renamed" }));
    assert_eq!(history[1]["data"]["changes"]["secret"]["new"], "changed");
    assert_eq!(history[1]["metadata"]["actor"]["name"], "admin");
    let text = history.to_string();
    assert!(!text.contains("do-not-log-me") && !text.contains("nor-me"));
}

#[tokio::test]
async fn analysts_list_hooks_but_never_see_their_secrets() {
    let app = spawn_app().await;
    let password = app.add_user("ana", api::Role::Analyst).await;
    app.create_hook(hook_body("CRM", "http://127.0.0.1:9/hook", &["dealflow.deal.created"])).await;

    let response = app.client.get(app.url("/api/hooks")).basic_auth("ana", Some(&password)).send().await.unwrap();

    let body = json(response).await;
    assert_eq!(body["total"], 1);
    assert!(body["hooks"]["1"].get("secret").is_none(), "{body}");
}
