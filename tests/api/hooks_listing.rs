//! Listing hooks: `/api/hooks/triggers` and the list parameters of SPEC §7 (issue 5).

use serde_json::{Value, json};

use crate::helpers::*;

const URL: &str = "https://receiver.example.com/webhook?key=abc";

/// The hooks' names in the order the list answered them.
fn names(list: &Value) -> Vec<String> {
    list["hooks"].as_object().unwrap().values().map(|h| h["name"].as_str().unwrap().to_owned()).collect()
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
