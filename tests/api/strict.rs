//! Issue 10, item 3 ("a 2xx answer means the body was applied") as a kind: a body field or a
//! query parameter that a route does not take is refused by name, on every route, and changes
//! nothing; every bad query value is a 400 naming the parameter. Mautic's hooks still take back
//! the whole object a GET returned (SPEC §7: read-only fields are ignored).

use reqwest::Method;
use serde_json::{Value, json};

use crate::bodies::BODY_ROUTES;
use crate::helpers::*;

/// The field no route takes.
const UNKNOWN: &str = "bogus_field";

/// The ids the routes act on.
struct Ids {
    deal: u64,
    stage: Value,
    contact: u64,
    pipeline: u64,
    source: u64,
    hook: u64,
}

fn hook(name: &str) -> Value {
    hook_body(name, "http://127.0.0.1:9/in", &["dealflow.deal.created"])
}

/// A body `route` would apply, with [`UNKNOWN`] added to it (to each item of a batch).
fn body_with_unknown(method: &str, route: &str, ids: &Ids) -> Value {
    let mut body = match (method, route) {
        ("POST", "/api/pipelines/new") => json!({ "name": "P", "stages": [{ "name": "A", "type": "open" }] }),
        (_, "/api/pipelines/{id}/edit") => json!({ "name": "P2" }),
        ("POST", "/api/deals/new") => json!({ "title": "New deal" }),
        (_, "/api/deals/{id}/edit") => json!({ "title": "Edited" }),
        ("POST", "/api/deals/{id}/stage") => json!({ "stage_id": ids.stage }),
        ("POST", "/api/deals/{id}/contacts/add") => json!({ "email": "new@acme.com" }),
        ("POST", "/api/deals/{id}/notes/new") => json!({ "text": "A note" }),
        ("POST", "/api/deals/{id}/tasks/new") => json!({ "title": "A task" }),
        ("POST", "/api/contacts/new") => json!({ "email": "other@acme.com" }),
        (_, "/api/contacts/{id}/edit") => json!({ "first_name": "Jane" }),
        ("POST", "/api/sources/new") => json!({ "name": "Forms 2" }),
        (_, "/api/sources/{id}/edit") => json!({ "name": "Forms 3" }),
        ("POST", "/api/sources/{id}/mapping/test") => json!({ "body": { "title": "Preview" } }),
        ("POST", "/api/categories/new") => json!({ "title": "Sales" }),
        ("POST", "/api/hooks/new") => hook("New"),
        ("PATCH", "/api/hooks/{id}/edit") => json!({ "name": "Renamed" }),
        ("PUT", "/api/hooks/{id}/edit") => hook("Replaced"),
        ("POST", "/api/hooks/batch/new") => json!([hook("Batch")]),
        ("PUT", "/api/hooks/batch/edit") => {
            let mut item = hook("Batch put");
            item["id"] = json!(ids.hook);
            json!([item])
        }
        ("PATCH", "/api/hooks/batch/edit") => json!([{ "id": ids.hook, "name": "Batch patch" }]),
        ("PATCH", "/api/settings/webhooks") => json!({ "timeout": 7 }),
        ("POST", "/api/hooks/{id}/replay") => json!({ "from_position": 1 }),
        _ => panic!("no body for {method} {route}: add one"),
    };
    match &mut body {
        Value::Array(items) => items.iter_mut().for_each(|item| item[UNKNOWN] = json!(1)),
        object => object[UNKNOWN] = json!(1),
    }
    body
}

/// Everything a client can read, to show that a refused request changed nothing.
async fn snapshot(app: &TestApp, ids: &Ids) -> Vec<Value> {
    let mut seen = vec![json!(app.head())];
    for path in [
        "/api/deals".to_owned(),
        format!("/api/deals/{}", ids.deal),
        "/api/contacts".to_owned(),
        format!("/api/pipelines/{}", ids.pipeline),
        "/api/pipelines".to_owned(),
        "/api/sources".to_owned(),
        "/api/hooks".to_owned(),
        "/api/categories".to_owned(),
        "/api/settings/webhooks".to_owned(),
    ] {
        seen.push(app.get_ok(&path).await);
    }
    seen
}

async fn setup(app: &TestApp) -> Ids {
    let deal = app.create_deal(json!({ "title": "Acme", "amount": 100 })).await["id"].as_u64().unwrap();
    let stage = app.get_ok("/api/pipelines/1").await["pipeline"]["stages"][1]["id"].clone();
    let contact = app.post_ok("/api/contacts/new", &json!({ "email": "jane@acme.com" }), 201).await["contact"]["id"]
        .as_u64()
        .unwrap();
    let source = app.create_source("Forms").await.id;
    let hook = app.create_hook(hook("CRM")).await["id"].as_u64().unwrap();
    Ids { deal, stage, contact, pipeline: 1, source, hook }
}

#[tokio::test]
async fn every_body_route_refuses_an_unknown_field_by_name_listing_the_accepted_ones_and_changes_nothing() {
    let app = spawn_app().await;
    let ids = setup(&app).await;
    let before = snapshot(&app, &ids).await;
    for (method, route) in BODY_ROUTES {
        let path = route.replace(
            "{id}",
            &match route {
                r if r.starts_with("/api/deals/") => ids.deal,
                r if r.starts_with("/api/contacts/") => ids.contact,
                r if r.starts_with("/api/pipelines/") => ids.pipeline,
                r if r.starts_with("/api/sources/") => ids.source,
                _ => ids.hook,
            }
            .to_string(),
        );
        let body = body_with_unknown(method, route, &ids);
        let response = app.send_json(Method::from_bytes(method.as_bytes()).unwrap(), &path, &body).await;
        assert_eq!(response.status(), 422, "{method} {path} {body}");
        let text = response.text().await.unwrap();
        assert!(text.contains(&format!("{UNKNOWN}: is not a field here")), "{method} {path}: {text}");
        assert!(text.contains("the accepted fields are: "), "{method} {path}: {text}");
    }
    assert_eq!(snapshot(&app, &ids).await, before, "a refused body changed nothing");
}

#[tokio::test]
async fn misspelled_fields_are_named_at_the_top_and_inside_objects_of_a_fixed_shape() {
    let app = spawn_app().await;
    let ids = setup(&app).await;
    let amount = app.get_ok(&format!("/api/deals/{}", ids.deal)).await["deal"]["amount"].clone();
    let deal = error_body(
        app.send_json(Method::PATCH, &format!("/api/deals/{}/edit", ids.deal), &json!({ "amout": 5 })).await,
        422,
    )
    .await;
    assert!(deal["details"]["amout"][0].as_str().unwrap().contains("amount"), "{deal}");
    let hook = error_body(
        app.send_json(Method::PATCH, &format!("/api/hooks/{}/edit", ids.hook), &json!({ "nmae": "typo" })).await,
        422,
    )
    .await;
    assert!(hook["details"]["nmae"][0].as_str().unwrap().contains("name"), "{hook}");
    let stages = json!({ "name": "P", "stages": [{ "name": "A", "kind": "won" }] });
    let pipeline = error_body(app.send_json(Method::POST, "/api/pipelines/new", &stages).await, 422).await;
    assert!(pipeline["details"]["stages[0].kind"].is_array(), "{pipeline}");
    assert_eq!(app.get_ok(&format!("/api/deals/{}", ids.deal)).await["deal"]["amount"], amount);
    assert_eq!(app.get_ok(&format!("/api/hooks/{}", ids.hook)).await["hook"]["name"], "CRM");
}

#[tokio::test]
async fn a_hook_takes_back_the_whole_object_a_get_returned_read_only_fields_ignored() {
    let app = spawn_app().await;
    let ids = setup(&app).await;
    let path = format!("/api/hooks/{}", ids.hook);
    let mut whole = app.get_ok(&path).await["hook"].clone();
    for field in ["id", "dateAdded", "createdBy", "health", "payloadFormat"] {
        assert!(whole.get(field).is_some(), "a GET shows {field}: {whole}");
    }
    whole["name"] = json!("Edited whole");
    for method in [Method::PATCH, Method::PUT] {
        let response = app.send_json(method.clone(), &format!("{path}/edit"), &whole).await;
        assert_eq!(response.status(), 200, "{method}: {}", response.text().await.unwrap());
    }
    let batch = app.send_json(Method::PATCH, "/api/hooks/batch/edit", &json!([whole])).await;
    assert_eq!(batch.status(), 200);
    assert_eq!(app.get_ok(&path).await["hook"]["name"], "Edited whole");
}

#[tokio::test]
async fn ids_out_of_range_in_an_array_are_named() {
    let app = spawn_app().await;
    let body = json!({ "title": "x", "contact_ids": [18446744073709551615_u64] });
    let error = error_body(app.send_json(Method::POST, "/api/deals/new", &body).await, 422).await;
    let message = error["details"]["contact_ids[0]"][0].as_str().unwrap();
    assert_eq!(message, "18446744073709551615 is out of range: ids run from 1 to 9223372036854775807");
}

/// Every `GET` route under `/api`, with a query string of its documented parameters.
fn get_routes(ids: &Ids) -> Vec<(String, &'static str)> {
    let (deal, contact, pipeline, source, hook) = (ids.deal, ids.contact, ids.pipeline, ids.source, ids.hook);
    vec![
        ("/api/users/self".to_owned(), ""),
        ("/api/users".to_owned(), "search=adm&start=0&limit=5"),
        ("/api/users/1".to_owned(), ""),
        ("/api/users/1/tokens".to_owned(), ""),
        (
            "/api/deals".to_owned(),
            "start=0&limit=5&orderBy=title&orderByDir=desc&search=a&pipeline_id=1&stage_id=1&status=open&source_id=1&contact_id=1&close_date_from=2026-01-01&close_date_to=2026-12-31",
        ),
        (format!("/api/deals/{deal}"), "asOf=2030-01-01T00%3A00%3A00%2B00%3A00"),
        (format!("/api/deals/{deal}/history"), ""),
        ("/api/pipelines".to_owned(), ""),
        (format!("/api/pipelines/{pipeline}"), ""),
        (format!("/api/pipelines/{pipeline}/board"), ""),
        ("/api/contacts".to_owned(), "start=0&limit=5&orderBy=email&orderByDir=asc&search=jane"),
        (format!("/api/contacts/{contact}"), ""),
        (
            "/api/events".to_owned(),
            "after=0&type=deal.*&stream=deal-1&since=2026-01-01T00:00:00Z&until=2030-01-01T00:00:00Z&limit=5",
        ),
        (
            "/api/events/export".to_owned(),
            "after=0&type=deal.*&stream=deal-1&since=2026-01-01T00:00:00Z&until=2030-01-01T00:00:00Z",
        ),
        ("/api/sources".to_owned(), ""),
        ("/api/sources/presets".to_owned(), ""),
        (format!("/api/sources/{source}"), ""),
        (format!("/api/sources/{source}/requests"), "start=0&limit=5&status=success"),
        (
            "/api/hooks".to_owned(),
            "search=CRM&start=0&limit=5&orderBy=name&orderByDir=asc&published=1&publishedOnly=1&minimal=1&where%5B0%5D%5Bcol%5D=id&where%5B0%5D%5Bexpr%5D=isNotNull",
        ),
        ("/api/hooks/triggers".to_owned(), ""),
        (format!("/api/hooks/{hook}"), ""),
        (
            format!("/api/hooks/{hook}/logs"),
            "start=0&limit=5&status=failed&since=2026-01-01T00:00:00Z&until=2030-01-01T00:00:00Z",
        ),
        ("/api/categories".to_owned(), ""),
        ("/api/categories/1".to_owned(), ""),
        ("/api/settings/webhooks".to_owned(), ""),
    ]
}

#[tokio::test]
async fn every_get_route_refuses_an_unknown_parameter_with_400_and_takes_its_documented_ones() {
    let app = spawn_app().await;
    let ids = setup(&app).await;
    app.post_ok("/api/categories/new", &json!({ "title": "Sales" }), 201).await;
    let routes = get_routes(&ids);
    let listed: Vec<String> = server::auth::access::RULES
        .iter()
        .filter(|rule| rule.method == "GET")
        .map(|rule| rule.pattern.replace("{id}", "N"))
        .collect();
    let walked: Vec<String> = routes.iter().map(|(path, _)| normalise(path)).collect();
    assert_eq!(walked, listed, "the walk covers every GET route of the role table, in its order");
    for (path, documented) in &routes {
        let separator = if documented.is_empty() { "" } else { "&" };
        let error = error_body(app.admin_get(&format!("{path}?{documented}{separator}bogus=1")).await, 400).await;
        assert!(error["details"]["bogus"].is_array(), "{path}: {error}");
        assert!(error["message"].as_str().unwrap().starts_with("bogus: is not a parameter"), "{path}: {error}");
        let taken = app.admin_get(&format!("{path}?{documented}")).await;
        assert_eq!(taken.status(), 200, "{path}?{documented}: {}", taken.text().await.unwrap());
    }
}

fn normalise(path: &str) -> String {
    path.split('/').map(|part| if part.parse::<u64>().is_ok() { "N" } else { part }).collect::<Vec<_>>().join("/")
}

#[tokio::test]
async fn every_bad_query_value_is_a_400_naming_the_parameter() {
    let app = spawn_app().await;
    let ids = setup(&app).await;
    let deal = ids.deal;
    let cases = [
        (format!("/api/deals/{deal}?asOf=2026-11-30T21:48:52+00:00"), "asOf"),
        (format!("/api/deals/{deal}?asOf=yesterday"), "asOf"),
        ("/api/deals?close_date_from=2026-02-30".to_owned(), "close_date_from"),
        ("/api/deals?pipeline_id=18446744073709551615".to_owned(), "pipeline_id"),
        ("/api/deals?limit=0".to_owned(), "limit"),
        ("/api/events?after=9223372036854775808".to_owned(), "after"),
        ("/api/events?since=today".to_owned(), "since"),
        ("/api/hooks?search=ids:9223372036854775808".to_owned(), "search"),
        (format!("/api/hooks/{}/logs?status=meh", ids.hook), "status"),
        (format!("/api/sources/{}/requests?status=meh", ids.source), "status"),
    ];
    for (path, parameter) in cases {
        let error = error_body(app.admin_get(&path).await, 400).await;
        assert!(error["details"][parameter].is_array(), "{path}: {error}");
    }
    let plus = error_body(app.admin_get(&format!("/api/deals/{deal}?asOf=2026-11-30T21:48:52+00:00")).await, 400).await;
    assert!(plus["message"].as_str().unwrap().contains("%2B"), "{plus}");
}

#[tokio::test]
async fn a_nul_character_in_a_query_or_a_body_is_refused_with_400_on_every_store() {
    let app = spawn_app().await;

    for path in
        ["/api/users?search=Y%00x", "/api/deals?search=a%00", "/api/contacts?search=%00", "/api/hooks?search=%00"]
    {
        let error = error_body(app.admin_get(path).await, 400).await;
        assert!(error["message"].as_str().unwrap().contains("U+0000"), "{path}: {error}");
    }
    let json = app.as_admin(reqwest::Method::POST, "/api/deals/new").json(&serde_json::json!({ "title": "a\u{0}b" }));
    let error = error_body(json.send().await.unwrap(), 400).await;
    assert!(error["message"].as_str().unwrap().contains("title"), "{error}");
    let form = app
        .as_admin(reqwest::Method::POST, "/api/deals/new")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("title=a%00b");
    error_body(form.send().await.unwrap(), 400).await;
    assert_eq!(app.events_of_type("deal.created").len(), 0, "nothing was stored");
}
