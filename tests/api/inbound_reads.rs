//! Inbound answers are read-your-writes (issue 10 item 5, SPEC §6): once the receive endpoint
//! answers 2xx, a GET of the deal and of the contact shows them as answered — never a 404, never
//! the deal as it was before.

use futures::future::join_all;
use serde_json::{Value, json};

use crate::helpers::*;

/// GETs the answered deal and contact straight away and compares them with the answer.
async fn assert_reads_as_answered(app: &TestApp, answer: &Value) {
    let deal_id = &answer["deal"]["id"];
    let response = app.admin_get(&format!("/api/deals/{deal_id}")).await;
    assert_eq!(response.status(), 200, "GET /api/deals/{deal_id} right after the answer {answer}");
    let deal = json(response).await["deal"].clone();
    for field in ["id", "title", "amount", "status", "stage", "pipeline"] {
        assert_eq!(deal[field], answer["deal"][field], "deal.{field} read right after the answer {answer}");
    }
    let contact_id = &answer["contact"]["id"];
    let response = app.admin_get(&format!("/api/contacts/{contact_id}")).await;
    assert_eq!(response.status(), 200, "GET /api/contacts/{contact_id} right after the answer {answer}");
    assert_eq!(json(response).await["contact"]["email"], answer["contact"]["email"]);
    let attached = deal["contacts"].as_array().is_some_and(|all| all.iter().any(|c| c["id"] == *contact_id));
    assert!(attached, "contact {contact_id} on deal {deal}");
}

/// The `i`-th request: even ones create a deal, odd ones update it under the same external id
/// (new title, amount and stage, another contact).
fn payload(run: &str, i: usize) -> Value {
    json!({
        "external_id": format!("{run}-{}", i / 2),
        "title": format!("{run} deal {i}"),
        "amount": i * 10,
        "stage": if i.is_multiple_of(2) { "Lead In" } else { "Qualified" },
        "contact": { "email": format!("{run}-{i}@example.com"), "first_name": "Reader" },
    })
}

async fn post_then_read(app: &TestApp, source: &TestSource, payload: Value) {
    let response = app.post_inbound(source, &payload).await;
    let status = response.status().as_u16();
    let answer = json(response).await;
    assert!(matches!(status, 200 | 201), "{status} {answer}");
    assert_eq!(answer["deal"]["title"], payload["title"], "{answer}");
    assert_reads_as_answered(app, &answer).await;
}

#[tokio::test]
async fn two_hundred_sequential_inbound_answers_are_each_readable_at_once() {
    let app = spawn_app().await;
    let source = app.create_source("Sequential").await;

    for i in 0..200 {
        post_then_read(&app, &source, payload("seq", i)).await;
    }
}

#[tokio::test]
async fn two_hundred_concurrent_inbound_answers_are_each_readable_at_once() {
    let app = spawn_app().await;
    let source = app.create_source("Concurrent").await;

    // Fifty senders, each creating then updating its own deals, all at the same time.
    join_all((0..50).map(|sender| {
        let (app, source) = (&app, &source);
        async move {
            for i in 0..4 {
                post_then_read(app, source, payload(&format!("s{sender}"), i)).await;
            }
        }
    }))
    .await;
}

#[tokio::test]
async fn a_repeated_idempotent_request_is_readable_at_once_too() {
    let app = spawn_app().await;
    let source = app.create_source("Repeats").await;
    let headers = [("Idempotency-Key", "order-1")];

    let first = json(app.post_inbound_with(&source, &payload("rep", 0), &headers).await).await;
    let again = app.post_inbound_with(&source, &payload("rep", 0), &headers).await;

    assert_eq!(again.status(), 201);
    let again = json(again).await;
    assert_eq!(again, first);
    assert_reads_as_answered(&app, &again).await;
}
