//! Deal commands and queries (SPEC §6, issue 4).

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_created_deal_is_visible_to_the_get_that_follows_without_waiting() {
    let app = spawn_app().await;

    let created = app
        .create_deal(json!({ "title": "Acme", "amount": 19.99, "currency": "eur", "close_date": "2026-06-30",
        "custom_fields": { "plan": "enterprise" } }))
        .await;
    let fetched = app.get_ok(&format!("/api/deals/{}", created["id"])).await["deal"].clone();

    assert_eq!(fetched, created);
    assert_eq!(fetched["amount"], json!(19.99));
    assert_eq!(fetched["currency"], "EUR");
    assert_eq!(fetched["stage"]["name"], "Lead In");
    assert_eq!(fetched["pipeline"]["name"], "Main Pipeline");
    assert_eq!(fetched["custom_fields"]["plan"], "enterprise");
    assert_eq!(fetched["notes"], json!([]));
    assert_eq!(fetched["version"], 1);
}

#[tokio::test]
async fn every_deal_command_is_read_back_immediately() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Growing" })).await;
    let path = |suffix: &str| format!("/api/deals/{}{suffix}", deal["id"]);

    let edited =
        json(app.send_json(Method::PATCH, &path("/edit"), &json!({ "title": "Grown", "amount": 500 })).await).await;
    let moved = app.post_ok(&path("/stage"), &json!({ "stage_id": 3 }), 200).await;
    let with_contact =
        app.post_ok(&path("/contacts/add"), &json!({ "email": "bob@example.com", "first_name": "Bob" }), 200).await;
    let note = app.post_ok(&path("/notes/new"), &json!({ "text": "Called Bob" }), 201).await;
    let task =
        app.post_ok(&path("/tasks/new"), &json!({ "title": "Send proposal", "due_date": "2026-07-01" }), 201).await;
    let completed = app.post_ok(&path(&format!("/tasks/{}/complete", task["task"]["id"])), &json!({}), 200).await;
    let fetched = app.get_ok(&path("")).await["deal"].clone();

    assert_eq!(edited["deal"]["title"], "Grown");
    assert_eq!(moved["deal"]["stage"]["name"], "Proposal Sent");
    assert_eq!(with_contact["deal"]["contacts"][0]["email"], "bob@example.com");
    assert_eq!(note["note"]["text"], "Called Bob");
    assert_eq!(note["note"]["created_by"]["name"], "admin");
    assert_eq!(completed["task"]["completed"], true);
    assert_eq!(fetched["title"], "Grown");
    assert_eq!(fetched["amount"], 500);
    assert_eq!(fetched["notes"][0]["text"], "Called Bob");
    assert_eq!(fetched["tasks"][0]["completed"], true);
    assert_eq!(fetched["tasks"][0]["due_date"], "2026-07-01");
    assert_eq!(fetched["version"], 7);
}

#[tokio::test]
async fn moving_into_won_and_lost_stages_sets_the_status() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Decided" })).await;
    let stage = format!("/api/deals/{}/stage", deal["id"]);

    let won = app.post_ok(&stage, &json!({ "stage_id": 5 }), 200).await;
    let lost = app.post_ok(&stage, &json!({ "stage_id": 6 }), 200).await;
    let reopened = app.post_ok(&stage, &json!({ "stage_id": 1 }), 200).await;

    assert_eq!(won["deal"]["status"], "won");
    assert_eq!(lost["deal"]["status"], "lost");
    assert_eq!(reopened["deal"]["status"], "open");
}

#[tokio::test]
async fn an_edit_that_changes_nothing_appends_nothing() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Stable", "amount": 10 })).await;
    let head = app.head();

    let response = app
        .send_json(
            Method::PATCH,
            &format!("/api/deals/{}/edit", deal["id"]),
            &json!({ "title": "Stable", "amount": "10.00" }),
        )
        .await;
    let moved = app.post_ok(&format!("/api/deals/{}/stage", deal["id"]), &json!({ "stage_id": 1 }), 200).await;

    assert_eq!(json(response).await["deal"]["version"], 1);
    assert_eq!(moved["deal"]["version"], 1);
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn a_stale_if_match_is_409_and_stores_nothing() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Contested" })).await;
    let path = format!("/api/deals/{}/edit", deal["id"]);
    let first = app
        .as_admin(Method::PATCH, &path)
        .header("If-Match", "\"1\"")
        .json(&json!({ "title": "First" }))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["etag"], "\"2\"");
    let head = app.head();

    let stale = app
        .as_admin(Method::PATCH, &path)
        .header("If-Match", "1")
        .json(&json!({ "title": "Second" }))
        .send()
        .await
        .unwrap();

    error_body(stale, 409).await;
    assert_eq!(app.head(), head);
    assert_eq!(app.get_ok(&format!("/api/deals/{}", deal["id"])).await["deal"]["title"], "First");
}

#[tokio::test]
async fn as_of_answers_the_deal_as_it_was_between_two_changes() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Before", "amount": 100 })).await;
    app.send_json(
        Method::PATCH,
        &format!("/api/deals/{}/edit", deal["id"]),
        &json!({ "title": "After", "amount": 200 }),
    )
    .await;
    let history = app.get_ok(&format!("/api/deals/{}/history", deal["id"])).await;
    let created_at = history["events"][0]["recorded_at"].as_str().unwrap().to_owned();
    let updated_at = history["events"][1]["recorded_at"].as_str().unwrap().to_owned();
    assert!(updated_at > created_at, "the two changes have distinct instants");

    let between = app.get_ok(&format!("/api/deals/{}?asOf={created_at}", deal["id"])).await["deal"].clone();
    let after = app.get_ok(&format!("/api/deals/{}?asOf={updated_at}", deal["id"])).await["deal"].clone();
    let before_creation = app.admin_get(&format!("/api/deals/{}?asOf=2000-01-01T00:00:00Z", deal["id"])).await;

    assert_eq!(
        (between["title"].as_str(), between["amount"].as_u64(), between["version"].as_u64()),
        (Some("Before"), Some(100), Some(1))
    );
    assert_eq!(
        (after["title"].as_str(), after["amount"].as_u64(), after["version"].as_u64()),
        (Some("After"), Some(200), Some(2))
    );
    error_body(before_creation, 404).await;
}

#[tokio::test]
async fn history_shows_who_changed_what_and_when() {
    let app = spawn_app().await;
    let deal = app.create_deal(json!({ "title": "Audited" })).await;
    app.post_ok(&format!("/api/deals/{}/stage", deal["id"]), &json!({ "stage_id": 2 }), 200).await;

    let history = app.get_ok(&format!("/api/deals/{}/history", deal["id"])).await;

    assert_eq!(history["total"], 2);
    assert_eq!(history["events"][1]["type"], "deal.stage_changed");
    assert_eq!(history["events"][1]["data"]["to"]["name"], "Qualified");
    assert_eq!(history["events"][1]["changed_by"], json!({ "id": 1, "name": "admin", "type": "user" }));
    assert!(history["events"][1]["request_id"].is_string());
}

#[tokio::test]
async fn the_deal_list_filters_orders_and_pages() {
    let app = spawn_app().await;
    for (title, amount, stage) in [("Alpha", 300, 1), ("Beta", 100, 2), ("Gamma", 200, 2), ("Delta", 50, 5)] {
        app.create_deal(json!({ "title": title, "amount": amount, "stage_id": stage, "close_date": "2026-06-30" }))
            .await;
    }

    let by_amount = app.get_ok("/api/deals?orderBy=amount&orderByDir=desc&limit=2").await;
    let qualified = app.get_ok("/api/deals?stage_id=2").await;
    let won = app.get_ok("/api/deals?status=won").await;
    let searched = app.get_ok("/api/deals?search=amm").await;
    let second_page = app.get_ok("/api/deals?orderBy=title&start=2&limit=2").await;

    let titles = |v: &serde_json::Value| {
        v["deals"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!((by_amount["total"].as_u64(), titles(&by_amount)), (Some(4), vec!["Alpha".into(), "Gamma".into()]));
    assert_eq!(titles(&qualified), ["Beta", "Gamma"]);
    assert_eq!(titles(&won), ["Delta"]);
    assert_eq!(titles(&searched), ["Gamma"]);
    assert_eq!(titles(&second_page), ["Delta", "Gamma"]);
    assert!(by_amount["deals"][0].get("notes").is_none(), "list items leave out notes and tasks");
}

#[tokio::test]
async fn bad_list_parameters_are_400_naming_the_parameter() {
    let app = spawn_app().await;

    for (query, field) in [
        ("orderBy=password", "orderBy"),
        ("limit=1001", "limit"),
        ("start=-1", "start"),
        ("orderByDir=up", "orderByDir"),
        ("status=maybe", "status"),
        ("close_date_from=yesterday", "close_date_from"),
    ] {
        let error = error_body(app.admin_get(&format!("/api/deals?{query}")).await, 400).await;
        assert!(error["details"][field].is_array(), "{query}: {error}");
    }
}

#[tokio::test]
async fn bad_deal_input_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let other =
        app.post_ok("/api/pipelines/new", &json!({ "name": "Other", "stages": [{ "name": "Only" }] }), 201).await;
    let other_stage = other["pipeline"]["stages"][0]["id"].clone();
    let deleted = app.post_ok("/api/pipelines/new", &json!({ "name": "Gone", "stages": [{ "name": "S" }] }), 201).await;
    app.as_admin(Method::DELETE, &format!("/api/pipelines/{}/delete", deleted["pipeline"]["id"])).send().await.unwrap();
    let deal = app.create_deal(json!({ "title": "Target" })).await;
    let head = app.head();

    let cases = [
        (Method::POST, "/api/deals/new".to_owned(), json!({ "title": "x", "pipeline_id": 99 }), 422, "pipeline_id"),
        (
            Method::POST,
            "/api/deals/new".to_owned(),
            json!({ "title": "x", "pipeline_id": deleted["pipeline"]["id"] }),
            422,
            "pipeline_id",
        ),
        (Method::POST, "/api/deals/new".to_owned(), json!({ "title": "x", "stage_id": other_stage }), 422, "stage_id"),
        (Method::POST, "/api/deals/new".to_owned(), json!({ "amount": -1 }), 422, "amount"),
        (Method::POST, format!("/api/deals/{}/stage", deal["id"]), json!({ "stage_id": other_stage }), 422, "stage_id"),
        (Method::POST, "/api/deals/99/stage".to_owned(), json!({ "stage_id": 1 }), 404, ""),
        (Method::PATCH, "/api/deals/99/edit".to_owned(), json!({ "title": "x" }), 404, ""),
        (Method::POST, format!("/api/deals/{}/tasks/77/complete", deal["id"]), json!({}), 404, ""),
        (
            Method::POST,
            format!("/api/deals/{}/contacts/add", deal["id"]),
            json!({ "contact_id": 99 }),
            422,
            "contact_id",
        ),
        (Method::POST, format!("/api/deals/{}/notes/new", deal["id"]), json!({ "text": " " }), 422, "text"),
    ];
    for (method, path, body, status, field) in cases {
        let error = error_body(app.send_json(method, &path, &body).await, status).await;
        if !field.is_empty() {
            assert!(error["details"][field].is_array(), "{path} {body}: {error}");
        }
    }
    error_body(app.admin_get("/api/deals/99").await, 404).await;
    let bad_as_of = error_body(app.admin_get(&format!("/api/deals/{}?asOf=yesterday", deal["id"])).await, 400).await;
    assert!(bad_as_of["details"]["asOf"].is_array());
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn deals_from_inbound_webhooks_appear_in_the_read_models() {
    let app = spawn_app().await;
    let source = app.create_source("Form").await;
    let answer = json(
        app.post_inbound(
            &source,
            &json!({ "title": "From a form", "amount": 42,
        "contact": { "email": "form@example.com" } }),
        )
        .await,
    )
    .await;

    app.log.wait_for_checkpoint(projection::CONSUMER, app.head(), std::time::Duration::from_secs(5)).await;
    let deal = app.get_ok(&format!("/api/deals/{}", answer["deal"]["id"])).await["deal"].clone();

    assert_eq!(deal["source_id"], source.id);
    assert_eq!(deal["contacts"][0]["email"], "form@example.com");
}
