//! Outbound delivery against a real local receiver (SPEC §7, issue 6): batching, order, bodies,
//! headers and signatures.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::Receiver;

fn titles(body: &Value, trigger: &str) -> Vec<String> {
    body[trigger].as_array().unwrap().iter().map(|item| item["deal"]["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn queue_mode_sends_three_events_as_one_request_and_desc_reverses_them() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "queue_mode": "queue" })).await;
    let hook = app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.created"])).await;
    for title in ["First", "Second", "Third"] {
        app.create_deal(json!({ "title": title })).await;
    }

    let report = app.dispatcher.step().await.unwrap();

    assert_eq!((report.deliveries, report.events), (1, 3));
    let received = receiver.received();
    assert_eq!(received.len(), 1, "one request");
    assert_eq!(titles(&received[0].json(), "dealflow.deal.created"), ["First", "Second", "Third"]);

    app.patch_settings(json!({ "events_orderby_dir": "DESC" })).await;
    for title in ["Fourth", "Fifth", "Sixth"] {
        app.create_deal(json!({ "title": title })).await;
    }
    app.dispatcher.step().await.unwrap();
    assert_eq!(titles(&receiver.received()[1].json(), "dealflow.deal.created"), ["Sixth", "Fifth", "Fourth"]);

    // The hook's own direction wins over the setting.
    app.send_json(Method::PATCH, &format!("/api/hooks/{}/edit", hook["id"]), &json!({ "eventsOrderbyDir": "ASC" }))
        .await;
    for title in ["Seventh", "Eighth"] {
        app.create_deal(json!({ "title": title })).await;
    }
    app.dispatcher.step().await.unwrap();
    assert_eq!(titles(&receiver.received()[2].json(), "dealflow.deal.created"), ["Seventh", "Eighth"]);
}

#[tokio::test]
async fn batches_hold_at_most_batch_limit_events_and_group_them_by_trigger() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "queue_mode": "queue", "batch_limit": 2 })).await;
    app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.created", "dealflow.deal.stage_changed"])).await;
    let deal = app.create_deal(json!({ "title": "Moving" })).await;
    app.post_ok(&format!("/api/deals/{}/stage", deal["id"]), &json!({ "stage_id": 3 }), 200).await;
    app.create_deal(json!({ "title": "Other" })).await;

    app.dispatcher.step().await.unwrap();

    let received = receiver.received();
    assert_eq!(received.len(), 2, "three events in batches of two");
    let first = received[0].json();
    assert_eq!(titles(&first, "dealflow.deal.created"), ["Moving"]);
    let moved = &first["dealflow.deal.stage_changed"][0];
    assert_eq!(moved["event"], "dealflow.deal.stage_changed");
    assert_eq!(moved["previous_stage"]["name"], "Lead In");
    assert_eq!(moved["deal"]["stage"]["name"], "Proposal Sent");
    assert_eq!(moved["changed_by"]["name"], "admin");
    assert_eq!(titles(&received[1].json(), "dealflow.deal.created"), ["Other"]);
    assert_ne!(received[0].header("webhook-id"), received[1].header("webhook-id"));
}

#[tokio::test]
async fn an_inbound_webhook_reaches_the_receiver_at_once_with_a_valid_mautic_signature() {
    let (app, receiver) = (spawn_app().await, Receiver::start().await);
    let hook = app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.created"])).await;
    let source = app.create_source("Typeform").await;

    let answer =
        json(app.post_inbound(&source, &json!({ "title": "Acme", "amount": 15000, "currency": "USD" })).await).await;

    let request = receiver.wait_for(1).await.remove(0);
    let secret = hook["secret"].as_str().unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&request.body);
    assert_eq!(request.header("Webhook-Signature"), Some(BASE64.encode(mac.finalize().into_bytes()).as_str()));
    assert_eq!(request.header("Content-Type"), Some("application/json"));
    assert_eq!(request.header("X-Origin-Base-URL"), Some(app.address.as_str()));
    assert!(request.header("User-Agent").is_some_and(|agent| agent.starts_with("dealflow/")));
    assert!(request.header("webhook-id").is_some_and(|id| id.starts_with("msg_")));
    let sent_at: i64 = request.header("webhook-timestamp").unwrap().parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 60);
    let item = &request.json()["dealflow.deal.created"][0];
    assert_eq!(item["deal"]["id"], answer["deal"]["id"]);
    assert_eq!(item["deal"]["title"], "Acme");
    assert_eq!(item["deal"]["amount"], 15000);
    assert_eq!(item["deal"]["stage"]["name"], "Lead In");
    assert_eq!(item["deal"]["pipeline"]["name"], "Main Pipeline");
    assert_eq!(item["changed_by"], json!({ "id": source.id, "name": "Typeform", "type": "source" }));
    assert_eq!(item["event_info"]["webhook_id"], hook["id"]);
    assert_eq!(item["event_info"]["api_version"], "1");
    assert!(item["timestamp"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn in_immediate_mode_events_that_piled_up_go_together_up_to_batch_limit() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "batch_limit": 2 })).await;
    app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "Alone" })).await;
    app.dispatcher.step().await.unwrap();
    for title in ["A", "B", "C"] {
        app.create_deal(json!({ "title": title })).await;
    }

    app.dispatcher.step().await.unwrap();

    let batches: Vec<Vec<String>> =
        receiver.received().iter().map(|r| titles(&r.json(), "dealflow.deal.created")).collect();
    assert_eq!(batches, [vec!["Alone"], vec!["A", "B"], vec!["C"]]);
}

#[tokio::test]
async fn the_standard_signature_is_accepted_by_the_standard_webhooks_verifier() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let mut body = hook_body("Svix-style", &receiver.url, &["dealflow.deal.won"]);
    body["signatureFormat"] = json!("standard");
    let hook = app.create_hook(body).await;
    let deal = app.create_deal(json!({ "title": "Closing" })).await;
    app.post_ok(&format!("/api/deals/{}/stage", deal["id"]), &json!({ "stage_id": 5 }), 200).await;

    app.dispatcher.step().await.unwrap();

    let request = receiver.received().remove(0);
    assert!(
        request.header("Webhook-Signature").unwrap().starts_with("v1,"),
        "exactly one signature header, the standard one"
    );
    assert_eq!(request.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("webhook-signature")).count(), 1);
    // Standard Webhooks verifiers take the key as `whsec_` + base64 of the secret's bytes.
    let key = format!("whsec_{}", BASE64.encode(hook["secret"].as_str().unwrap()));
    let verifier = standardwebhooks::Webhook::new(&key).unwrap();
    verifier.verify(&request.body, &request.header_map()).expect("the third-party verifier accepts the request");
    let mut tampered = request.body.to_vec();
    tampered[2] ^= 1;
    assert!(verifier.verify(&tampered, &request.header_map()).is_err(), "and refuses a changed body");
    assert_eq!(request.json()["dealflow.deal.won"][0]["deal"]["status"], "won");
}

#[tokio::test]
async fn slack_hooks_get_a_text_summary() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let mut body = hook_body("Slack", &receiver.url, &["dealflow.deal.won"]);
    body["payloadFormat"] = json!("slack");
    app.create_hook(body).await;
    let deal =
        app.create_deal(json!({ "title": "Acme Corp - Enterprise Plan", "amount": 15000, "currency": "USD" })).await;
    app.post_ok(&format!("/api/deals/{}/stage", deal["id"]), &json!({ "stage_id": 5 }), 200).await;

    app.dispatcher.step().await.unwrap();

    assert_eq!(receiver.received()[0].json(), json!({ "text": "Deal *Acme Corp - Enterprise Plan* won — 15,000 USD" }));
}

#[tokio::test]
async fn contact_triggers_carry_the_contact_and_hooks_get_only_their_triggers() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.create_hook(hook_body("Contacts", &receiver.url, &["mautic.lead_post_save_new"])).await;
    let source = app.create_source("Form").await;

    app.post_inbound(
        &source,
        &json!({ "title": "Lead", "contact": { "email": "jane@example.com", "first_name": "Jane" } }),
    )
    .await;
    app.dispatcher.step().await.unwrap();

    let received = receiver.received();
    assert_eq!(received.len(), 1, "the deal.created event is not among the hook's triggers");
    let item = &received[0].json()["mautic.lead_post_save_new"][0];
    assert_eq!(item["contact"]["fields"]["core"]["email"]["value"], "jane@example.com");
    assert!(item["timestamp"].is_string());
}

#[tokio::test]
async fn a_hook_receives_only_events_committed_after_it_was_created() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.create_deal(json!({ "title": "Before" })).await;
    app.create_hook(hook_body("Late", &receiver.url, &["dealflow.deal.created"])).await;
    app.create_deal(json!({ "title": "After" })).await;

    app.dispatcher.step().await.unwrap();

    let titles: Vec<_> = receiver.received().iter().flat_map(|r| titles(&r.json(), "dealflow.deal.created")).collect();
    assert_eq!(titles, ["After"]);
}

#[tokio::test]
async fn an_item_shows_the_deal_as_it_stood_after_its_event_even_when_earlier_events_were_not_matched() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    let deal = app.create_deal(json!({ "title": "History", "amount": 100 })).await;
    let edit = format!("/api/deals/{}/edit", deal["id"]);
    assert_eq!(app.send_json(Method::PATCH, &edit, &json!({ "amount": 250 })).await.status(), 200);
    app.create_hook(hook_body("Moves", &receiver.url, &["dealflow.deal.stage_changed"])).await;
    let stage = format!("/api/deals/{}/stage", deal["id"]);
    app.post_ok(&stage, &json!({ "stage_id": 3 }), 200).await;
    assert_eq!(app.send_json(Method::PATCH, &edit, &json!({ "title": "Renamed" })).await.status(), 200);
    app.post_ok(&stage, &json!({ "stage_id": 4 }), 200).await;

    app.dispatcher.step().await.unwrap();

    let moves = receiver.received()[0].json()["dealflow.deal.stage_changed"].clone();
    let seen: Vec<_> = moves
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["deal"]["title"].clone(),
                m["deal"]["amount"].clone(),
                m["previous_stage"]["id"].clone(),
                m["deal"]["stage"]["id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [(json!("History"), json!(250), json!(1), json!(3)), (json!("Renamed"), json!(250), json!(3), json!(4))]
    );
}
