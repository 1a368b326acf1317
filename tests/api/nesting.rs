//! Every parser of outside input has a depth and a size bound (issue 10, item 13): at the bound
//! the request works, over it the answer is 400, and a key nested thousands of levels deep no
//! longer takes the process down — the server answers the next request.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

const FORM: &str = "application/x-www-form-urlencoded";
/// `api::limits::MAX_DEPTH` and `MAX_PAIRS`.
const MAX_DEPTH: usize = 32;
const MAX_PAIRS: usize = 1000;
const HOOK_FORM: &str = "name=x&triggers%5B0%5D=dealflow.deal.won&webhookUrl=http%3A%2F%2F127.0.0.1%3A9%2Fin";

async fn post_hook(app: &TestApp, label: &str, body: String) -> u16 {
    let response = app.as_admin(Method::POST, "/api/hooks/new").header("Content-Type", label).body(body).send().await;
    response.unwrap().status().as_u16()
}

async fn still_up(app: &TestApp) {
    assert_eq!(app.get("/health").await.status(), 200, "the server answers the next request");
    assert_eq!(app.admin_get("/api/hooks").await.status(), 200);
}

/// A form key `health[x][x]…` (a read-only field, ignored) making the body `levels` containers deep.
fn form_nested(levels: usize) -> String {
    format!("{HOOK_FORM}&health{}=1", "%5Bx%5D".repeat(levels - 1))
}

#[tokio::test]
async fn php_form_keys_nest_to_the_bound_and_deeper_ones_are_400() {
    let app = spawn_app().await;
    assert_eq!(post_hook(&app, FORM, form_nested(MAX_DEPTH)).await, 201);
    assert_eq!(post_hook(&app, FORM, form_nested(MAX_DEPTH + 1)).await, 400);
    assert_eq!(post_hook(&app, FORM, form_nested(5000)).await, 400);
    still_up(&app).await;
    let pairs = |n: usize| format!("{HOOK_FORM}{}", "&health%5B%5D=1".repeat(n - 3));
    assert_eq!(post_hook(&app, FORM, pairs(MAX_PAIRS)).await, 201);
    assert_eq!(post_hook(&app, FORM, pairs(MAX_PAIRS + 1)).await, 400);
    still_up(&app).await;
}

/// A hook body with a read-only field (`health`, which a hook ignores: SPEC §7) `levels`
/// containers deep in all.
fn json_nested(levels: usize) -> String {
    let inner = format!("{}1{}", "[".repeat(levels - 1), "]".repeat(levels - 1));
    format!(
        r#"{{"name": "x", "webhookUrl": "http://127.0.0.1:9/in", "triggers": ["dealflow.deal.won"], "health": {inner}}}"#
    )
}

#[tokio::test]
async fn json_bodies_nest_to_the_bound_and_deeper_ones_are_400_whatever_the_label() {
    let app = spawn_app().await;
    for label in ["application/json", FORM] {
        assert_eq!(post_hook(&app, label, json_nested(MAX_DEPTH)).await, 201, "{label}");
        assert_eq!(post_hook(&app, label, json_nested(MAX_DEPTH + 1)).await, 400, "{label}");
        assert_eq!(post_hook(&app, label, json_nested(100_000)).await, 400, "{label}");
    }
    still_up(&app).await;
}

#[tokio::test]
async fn json_a_little_or_very_much_too_deep_gets_the_same_answer() {
    let app = spawn_app().await;
    let mut answers = Vec::new();
    for levels in [MAX_DEPTH + 1, 100_000] {
        let sent = app.as_admin(Method::POST, "/api/hooks/new").body(json_nested(levels)).send().await.unwrap();
        answers.push(json(sent).await["errors"][0].clone());
    }
    assert_eq!(answers[0], answers[1]);
    assert!(answers[0]["message"].as_str().unwrap().contains("deeper than 32 levels"), "{}", answers[0]);
}

#[tokio::test]
async fn the_where_grammar_takes_twenty_conditions_and_no_nesting() {
    let app = spawn_app().await;
    app.create_hook(hook_body("x", "http://127.0.0.1:9/in", &["dealflow.deal.won"])).await;
    let clauses = |n: usize| -> String {
        (0..n).map(|i| format!("where[{i}][col]=id&where[{i}][expr]=isNotNull")).collect::<Vec<_>>().join("&")
    };
    assert_eq!(app.get_ok(&format!("/api/hooks?{}", clauses(20))).await["total"], 1);
    error_body(app.admin_get(&format!("/api/hooks?{}", clauses(21))).await, 400).await;
    let deep = format!("/api/hooks?where[0][col]=id&where[0][expr]=in&where[0][val]{}=1", "[x]".repeat(3000));
    error_body(app.admin_get(&deep).await, 400).await;
    still_up(&app).await;
}

#[tokio::test]
async fn query_strings_hold_at_most_a_thousand_parameters() {
    let app = spawn_app().await;
    // A parameter the route takes, repeated (an unknown one is refused by name).
    let query = |n: usize| vec!["minimal=0"; n].join("&");
    assert_eq!(app.admin_get(&format!("/api/hooks?{}", query(MAX_PAIRS))).await.status(), 200);
    let refused = error_body(app.admin_get(&format!("/api/hooks?{}", query(MAX_PAIRS + 1))).await, 400).await;
    assert!(refused["message"].as_str().unwrap().contains("1000"), "{refused}");
    let long = format!("/api/deals?search={}", "a".repeat(17 * 1024));
    error_body(app.admin_get(&long).await, 400).await;
    still_up(&app).await;
    assert_eq!(app.get_ok("/api/deals?search=x").await["total"], json!(0));
}

#[tokio::test]
async fn a_body_over_256_kib_is_413_and_one_under_is_read() {
    let app = spawn_app().await;
    let padded = |bytes: usize| {
        let body = json_nested(1);
        // Padded in a read-only field, which a hook ignores.
        format!("{}, \"createdByUser\": \"{}\"}}", &body[..body.len() - 1], "a".repeat(bytes - body.len() - 21))
    };
    assert_eq!(padded(256 * 1024).len(), 256 * 1024);
    assert_eq!(post_hook(&app, "application/json", padded(256 * 1024)).await, 201);
    assert_eq!(post_hook(&app, "application/json", padded(256 * 1024 + 1)).await, 413);
    still_up(&app).await;
}
