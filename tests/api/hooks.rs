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
async fn triggers_list_dealflows_and_mautics_events_and_are_not_taken_for_an_id() {
    let app = spawn_app().await;

    let body = app.get_ok("/api/hooks/triggers").await;

    let triggers = body["triggers"].as_object().unwrap();
    assert_eq!(triggers.keys().filter(|k| k.starts_with("dealflow.deal.")).count(), 8);
    for name in [
        "mautic.lead_post_save_new",
        "mautic.lead_post_save_update",
        "mautic.lead_post_delete",
        "mautic.lead_points_change",
        "mautic.email_on_open",
        "mautic.form_on_submit",
        "mautic.page_on_hit",
    ] {
        assert!(triggers[name]["label"].is_string() && triggers[name]["description"].is_string(), "{name}");
    }
    assert_eq!(triggers["mautic.lead_post_save_new"]["label"], "Contact Identified Event");
}

#[tokio::test]
async fn list_parameters_search_filter_order_and_page() {
    let app = spawn_app().await;
    let category =
        app.post_ok("/api/categories/new", &json!({ "title": "Billing" }), 201).await["category"]["id"].clone();
    app.create_hook(json!({ "name": "Slack wins", "description": "team channel", "webhookUrl": URL, "triggers": ["dealflow.deal.won"] })).await;
    app.create_hook(json!({ "name": "CRM", "webhookUrl": URL, "triggers": ["dealflow.deal.created"], "isPublished": false, "category": category })).await;
    app.create_hook(json!({ "name": "Expired", "webhookUrl": URL, "triggers": ["dealflow.deal.created"], "publishDown": "2020-01-01 00:00:00" })).await;
    app.create_hook(json!({ "name": "BI", "webhookUrl": "https://bi.example.com/in", "triggers": ["dealflow.deal.updated"], "eventsOrderbyDir": "DESC" })).await;
    let names = |v: &Value| {
        v["hooks"].as_object().unwrap().values().map(|h| h["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };

    assert_eq!(names(&app.get_ok("/api/hooks?search=channel").await), ["Slack wins"]);
    assert_eq!(names(&app.get_ok("/api/hooks?search=ids:2,4").await), ["CRM", "BI"]);
    assert_eq!(names(&app.get_ok("/api/hooks?search=is:unpublished").await), ["CRM"]);
    assert_eq!(app.get_ok("/api/hooks?search=is:published").await["total"], 3);
    assert_eq!(names(&app.get_ok("/api/hooks?search=category:billing").await), ["CRM"]);
    assert_eq!(names(&app.get_ok("/api/hooks?search=!category:billing%20!is:published").await), Vec::<String>::new());
    assert_eq!(names(&app.get_ok("/api/hooks?publishedOnly=1").await), ["Slack wins", "BI"]);
    assert_eq!(names(&app.get_ok("/api/hooks?published=true").await), ["Slack wins", "BI"]);
    assert_eq!(names(&app.get_ok("/api/hooks?orderBy=name&start=1&limit=2").await), ["CRM", "Expired"]);
    assert_eq!(names(&app.get_ok("/api/hooks?orderBy=date_added&orderByDir=DESC&limit=1").await), ["BI"]);
    let minimal = app.get_ok("/api/hooks?minimal=1").await;
    assert!(minimal["hooks"]["1"].get("triggers").is_none() && minimal["hooks"]["1"]["name"] == "Slack wins");
}

#[tokio::test]
async fn where_clauses_support_every_expression() {
    let app = spawn_app().await;
    app.create_hook(
        json!({ "name": "alpha", "description": "", "webhookUrl": URL, "triggers": ["dealflow.deal.won"] }),
    )
    .await;
    app.create_hook(json!({ "name": "beta", "description": "has one", "webhookUrl": URL, "triggers": ["dealflow.deal.won"], "isPublished": false })).await;
    app.create_hook(
        json!({ "name": "gamma", "webhookUrl": URL, "triggers": ["dealflow.deal.won"], "eventsOrderbyDir": "DESC" }),
    )
    .await;
    let names = |v: &Value| {
        v["hooks"].as_object().unwrap().values().map(|h| h["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    let query = |q: &str| format!("/api/hooks?{q}");
    let cases: [(&str, &[&str]); 14] = [
        ("where[0][col]=name&where[0][expr]=eq&where[0][val]=beta", &["beta"]),
        ("where[0][col]=name&where[0][expr]=neq&where[0][val]=beta", &["alpha", "gamma"]),
        ("where[0][col]=id&where[0][expr]=lt&where[0][val]=2", &["alpha"]),
        ("where[0][col]=id&where[0][expr]=lte&where[0][val]=2", &["alpha", "beta"]),
        ("where[0][col]=id&where[0][expr]=gt&where[0][val]=2", &["gamma"]),
        ("where[0][col]=id&where[0][expr]=gte&where[0][val]=2", &["beta", "gamma"]),
        ("where[0][col]=name&where[0][expr]=like&where[0][val]=%25am%25", &["gamma"]),
        ("where[0][col]=name&where[0][expr]=notLike&where[0][val]=%25am%25", &["alpha", "beta"]),
        ("where[0][col]=id&where[0][expr]=in&where[0][val][]=1&where[0][val][]=3", &["alpha", "gamma"]),
        ("where[0][col]=id&where[0][expr]=notIn&where[0][val]=1,3", &["beta"]),
        ("where[0][col]=eventsOrderbyDir&where[0][expr]=isNull", &["alpha", "beta"]),
        ("where[0][col]=events_orderby_dir&where[0][expr]=isNotNull", &["gamma"]),
        ("where[0][col]=description&where[0][expr]=isEmpty", &["alpha", "gamma"]),
        (
            "where[0][col]=description&where[0][expr]=isNotEmpty&where[1][col]=isPublished&where[1][expr]=eq&where[1][val]=0",
            &["beta"],
        ),
    ];
    for (q, expected) in cases {
        assert_eq!(names(&app.get_ok(&query(q)).await), expected, "{q}");
    }
}

#[tokio::test]
async fn bad_list_parameters_are_400_naming_the_parameter() {
    let app = spawn_app().await;
    for (q, field) in [
        ("where[0][col]=name&where[0][expr]=between&where[0][val]=a", "where[0][expr]"),
        ("where[0][col]=secret&where[0][expr]=eq&where[0][val]=a", "where[0][col]"),
        ("where[0][col]=id&where[0][expr]=eq&where[0][val]=abc", "where[0][val]"),
        ("where[0][col]=id", "where[0]"),
        ("limit=5000", "limit"),
        ("orderBy=password", "orderBy"),
        ("orderByDir=sideways", "orderByDir"),
        ("search=ids:1,x", "search"),
    ] {
        let error = error_body(app.admin_get(&format!("/api/hooks?{q}")).await, 400).await;
        assert!(error["details"][field].is_array(), "{q}: {error}");
    }
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
async fn hooks_are_admin_only_because_they_carry_secrets() {
    let app = spawn_app().await;
    let password = app.add_user("ana", api::Role::Analyst).await;

    let response = app.client.get(app.url("/api/hooks")).basic_auth("ana", Some(&password)).send().await.unwrap();

    error_body(response, 403).await;
}

/// Requests as Mautic's PHP API client (api-library) sends them: form bodies built with
/// `http_build_query`, query strings for GET and DELETE, Basic auth.
mod php_client {
    use super::*;

    fn form(app: &TestApp, method: Method, path: &str, body: &str) -> reqwest::RequestBuilder {
        app.as_admin(method, path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body(body.to_owned())
    }

    #[tokio::test]
    async fn create_edit_list_and_delete_work_with_form_bodies() {
        let app = spawn_app().await;
        // $webhookApi->create(['name' => 'test', 'webhookUrl' => 'http://mysite.com/webhook/test',
        //   'triggers' => ['mautic.lead_post_save_new', 'mautic.lead_post_save_update'],
        //   'description' => 'Created via API', 'secret' => 'mySecret', 'isPublished' => true]);
        let created = form(&app, Method::POST, "/api/hooks/new",
            "name=test&webhookUrl=http%3A%2F%2Fmysite.com%2Fwebhook%2Ftest&triggers%5B0%5D=mautic.lead_post_save_new&triggers%5B1%5D=mautic.lead_post_save_update&description=Created+via+API&secret=mySecret&isPublished=1")
            .send().await.unwrap();
        assert_eq!(created.status(), 201);
        let hook = json(created).await["hook"].clone();
        assert_eq!(hook["triggers"], json!(["mautic.lead_post_save_new", "mautic.lead_post_save_update"]));
        assert_eq!((hook["secret"].as_str(), hook["isPublished"].as_bool()), (Some("mySecret"), Some(true)));

        // $webhookApi->edit(1, ['isPublished' => false], false) sends a PATCH.
        let edited = json(form(&app, Method::PATCH, "/api/hooks/1/edit", "isPublished=0").send().await.unwrap()).await;
        assert_eq!(edited["hook"]["isPublished"], false);

        // $webhookApi->getList('test', 0, 10, 'name', 'ASC', false, true)
        let list = app
            .get_ok("/api/hooks?search=test&start=0&limit=10&orderBy=name&orderByDir=ASC&publishedOnly=0&minimal=1")
            .await;
        assert_eq!(list["total"], 1);

        // $webhookApi->createBatch([...]) and deleteBatch([1, 2])
        let batch = json(
            form(
                &app,
                Method::POST,
                "/api/hooks/batch/new",
                "0%5Bname%5D=a&0%5BwebhookUrl%5D=http%3A%2F%2Fa.test%2F&0%5Btriggers%5D%5B0%5D=dealflow.deal.won",
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(batch["statusCodes"], json!([201]));
        let deleted = json(
            app.as_admin(Method::DELETE, "/api/hooks/batch/delete?ids%5B0%5D=1&ids%5B1%5D=2").send().await.unwrap(),
        )
        .await;
        assert_eq!(deleted["statusCodes"], json!([200, 200]));
    }
}
