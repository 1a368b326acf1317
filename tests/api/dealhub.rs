//! Issue 17, "Must show": one DealHub opportunity through draftQuote → quoteReady →
//! quotePendingApproval → quoteWon is one deal that passes through the mapped stages, each step
//! in its history; a repeated `event_id` changes nothing; a subscribed hook gets
//! `dealflow.deal.won` once.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::Receiver;
use crate::sender_helpers::*;

/// A quote event of the fixture's opportunity, as DealHub sends it (made up by us).
fn quote_event(event_type: &str, event_id: &str, amount: &str) -> Vec<u8> {
    let mut body = fixture("dealhub");
    body["event_type"] = json!(event_type);
    body["event_info"]["event_id"] = json!(event_id);
    body["additional_data"]["amount"] = json!(amount);
    serde_json::to_vec(&body).unwrap()
}

fn stage_names(history: &Value) -> Vec<String> {
    let events = history["events"].as_array().unwrap();
    let moves = events.iter().filter(|event| event["type"] == "deal.stage_changed");
    moves.map(|event| event["data"]["to"]["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn one_opportunity_moves_through_the_mapped_stages_and_wins_once() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.won"])).await;
    let source = app.create_sender_source("dealhub").await;
    let steps = [
        ("draftQuote", "evt-1", "40,000.00", 201, "Lead In"),
        ("quoteReady", "evt-2", "45,000.00", 200, "Proposal Sent"),
        ("quotePendingApproval", "evt-3", "48,000.00", 200, "Negotiation"),
        ("quoteWon", "evt-4", "48,000.00", 200, "Won"),
    ];

    let mut deal_ids = Vec::new();
    for (event_type, event_id, amount, status, stage) in steps {
        let response =
            app.send_signed(&source, &quote_event(event_type, event_id, amount), "application/json", &[]).await;
        assert_eq!(response.status(), status, "{event_type}");
        let answer = json(response).await;
        assert_eq!(answer["deal"]["stage"]["name"], stage, "{event_type}: {answer}");
        deal_ids.push(answer["deal"]["id"].clone());
    }
    app.dispatcher.step().await.unwrap();
    let head = app.head();
    let repeat =
        app.send_signed(&source, &quote_event("quoteWon", "evt-4", "48,000.00"), "application/json", &[]).await;
    app.dispatcher.step().await.unwrap();

    assert_eq!(repeat.status(), 200);
    assert_eq!(app.head(), head, "a repeated event_id appends nothing");
    assert!(deal_ids.iter().all(|id| *id == deal_ids[0]), "one deal: {deal_ids:?}");
    assert_eq!(app.deals_created(), 1);
    let deal = app.get_ok(&format!("/api/deals/{}", deal_ids[0])).await;
    assert_eq!(deal["deal"]["status"], "won");
    assert_eq!(deal["deal"]["amount"].as_f64(), Some(48000.0));
    let history = app.get_ok(&format!("/api/deals/{}/history", deal_ids[0])).await;
    assert_eq!(stage_names(&history), ["Proposal Sent", "Negotiation", "Won"]);
    let won: usize = receiver
        .received()
        .iter()
        .map(|request| request.json()["dealflow.deal.won"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(won, 1, "the hook receives dealflow.deal.won once");
}

#[tokio::test]
async fn an_event_type_missing_from_the_table_updates_fields_and_leaves_the_stage() {
    let app = spawn_app().await;
    let source = app.create_sender_source("dealhub").await;
    let ready =
        app.send_signed(&source, &quote_event("quoteReady", "evt-1", "10,000.00"), "application/json", &[]).await;
    assert_eq!(ready.status(), 201);

    let rejected =
        app.send_signed(&source, &quote_event("quoteRejected", "evt-2", "9,000.00"), "application/json", &[]).await;

    assert_eq!(rejected.status(), 200);
    let answer = json(rejected).await;
    assert_eq!(answer["deal"]["stage"]["name"], "Proposal Sent");
    assert_eq!(answer["deal"]["amount"].as_f64(), Some(9000.0));
    let log = json(app.admin_get(&format!("/api/sources/{}/requests?limit=1", source.id)).await).await;
    let reason = log["requests"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("stage") && reason.contains("quoteRejected"), "the request log says why: {log}");
}
