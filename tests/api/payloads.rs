//! What receivers get (issue 10): Mautic's contact object on the contact triggers, read the way
//! Mautic receivers read it; won/lost for deals created in a closed stage; and test sends whose
//! items have the keys of real ones, for every trigger dealflow fires.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::Receiver;

/// Every trigger dealflow fires (SPEC §4).
const FIRING: [&str; 10] = [
    "dealflow.deal.created",
    "dealflow.deal.updated",
    "dealflow.deal.stage_changed",
    "dealflow.deal.won",
    "dealflow.deal.lost",
    "dealflow.deal.contact_added",
    "dealflow.deal.note_added",
    "dealflow.deal.task_completed",
    "mautic.lead_post_save_new",
    "mautic.lead_post_save_update",
];

/// A receiver written as for Mautic: it knows only Mautic's documented paths.
#[derive(Debug, PartialEq)]
struct MauticContact {
    id: Value,
    email: Value,
    firstname: Value,
    lastname: Value,
}

fn read_like_a_mautic_receiver(body: &Value, trigger: &str) -> MauticContact {
    let contact = &body[trigger][0]["contact"];
    MauticContact {
        id: contact["id"].clone(),
        email: contact["fields"]["core"]["email"]["value"].clone(),
        firstname: contact["fields"]["core"]["firstname"]["value"].clone(),
        lastname: contact["fields"]["core"]["lastname"]["value"].clone(),
    }
}

#[tokio::test]
async fn a_receiver_written_for_mautic_reads_id_email_and_names_from_both_contact_triggers() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.create_hook(hook_body("Mautic", &receiver.url, &["mautic.lead_post_save_new", "mautic.lead_post_save_update"]))
        .await;
    let created =
        app.post_ok("/api/contacts/new", &json!({ "email": "jane@acme.example", "first_name": "Jane" }), 201).await;
    let id = created["contact"]["id"].clone();
    app.dispatcher.step().await.unwrap();
    let edit = app.send_json(Method::PATCH, &format!("/api/contacts/{id}/edit"), &json!({ "last_name": "Doe" })).await;
    assert_eq!(edit.status(), 200);
    app.dispatcher.step().await.unwrap();

    let received = receiver.received();
    assert_eq!(received.len(), 2);
    let new = read_like_a_mautic_receiver(&received[0].json(), "mautic.lead_post_save_new");
    let updated = read_like_a_mautic_receiver(&received[1].json(), "mautic.lead_post_save_update");

    let expected = |lastname: Value| MauticContact {
        id: id.clone(),
        email: json!("jane@acme.example"),
        firstname: json!("Jane"),
        lastname,
    };
    assert_eq!(new, expected(Value::Null));
    assert_eq!(updated, expected(json!("Doe")));
    let item = &received[1].json()["mautic.lead_post_save_update"][0];
    assert_eq!(item["changes"]["last_name"], json!({ "old": null, "new": "Doe" }), "dealflow's extras stay beside");
    assert_eq!(item["contact"]["modifiedByUser"], "admin");
    assert_eq!(item["contact"]["fields"]["all"]["lastname"], "Doe");
}

#[tokio::test]
async fn deals_created_directly_in_a_won_or_lost_stage_fire_won_or_lost_by_api_and_inbound() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.create_hook(hook_body("Closed", &receiver.url, &["dealflow.deal.won", "dealflow.deal.lost"])).await;
    let source = app.create_source("Form").await;

    app.create_deal(json!({ "title": "Won by API", "stage_id": 5 })).await;
    let inbound = app.post_inbound(&source, &json!({ "title": "Won inbound", "stage": "Won" })).await;
    assert!(inbound.status().is_success(), "{}", inbound.status());
    app.create_deal(json!({ "title": "Lost by API", "stage_id": 6 })).await;
    app.create_deal(json!({ "title": "Still open" })).await;
    app.dispatcher.step().await.unwrap();

    let mut seen = Vec::new();
    for request in receiver.received() {
        let body = request.json();
        for (trigger, items) in body.as_object().unwrap() {
            for item in items.as_array().unwrap() {
                assert_eq!(item["previous_stage"], Value::Null, "created in its stage: no previous stage");
                seen.push((trigger.clone(), item["deal"]["title"].as_str().unwrap().to_owned()));
            }
        }
    }
    seen.sort();
    let expected = [
        ("dealflow.deal.lost", "Lost by API"),
        ("dealflow.deal.won", "Won by API"),
        ("dealflow.deal.won", "Won inbound"),
    ];
    assert_eq!(seen, expected.map(|(t, d)| (t.to_owned(), d.to_owned())));
}

/// Every key path of a JSON value (`deal.stage.name`), leaving out the keys that are data
/// (`custom_fields` and `changes` are keyed by what changed).
fn key_paths(value: &Value, prefix: &str, paths: &mut BTreeSet<String>) {
    let Some(object) = value.as_object() else { return };
    for (key, inner) in object {
        let path = format!("{prefix}{key}");
        paths.insert(path.clone());
        if key != "custom_fields" && key != "changes" {
            key_paths(inner, &format!("{path}."), paths);
        }
    }
}

fn keys(item: &Value) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    key_paths(item, "", &mut paths);
    paths
}

/// One event of each firing trigger, with the values a test sample has (an amount change, a task
/// with a due date, a contact whose company changes).
async fn fire_every_trigger(app: &TestApp) {
    let deal = app.create_deal(json!({ "title": "Acme", "amount": 12000, "stage_id": 2 })).await["id"].clone();
    let path = |suffix: &str| format!("/api/deals/{deal}{suffix}");
    assert_eq!(app.send_json(Method::PATCH, &path("/edit"), &json!({ "amount": 15000 })).await.status(), 200);
    app.post_ok(&path("/stage"), &json!({ "stage_id": 3 }), 200).await;
    app.post_ok(&path("/contacts/add"), &json!({ "email": "jane@acme.example", "first_name": "Jane" }), 200).await;
    app.post_ok(&path("/notes/new"), &json!({ "text": "Sent the proposal" }), 201).await;
    let task = app.post_ok(&path("/tasks/new"), &json!({ "title": "Follow up", "due_date": "2026-06-30" }), 201).await;
    app.post_ok(&path(&format!("/tasks/{}/complete", task["task"]["id"])), &json!({}), 200).await;
    app.post_ok(&path("/stage"), &json!({ "stage_id": 5 }), 200).await;
    let lost = app.create_deal(json!({ "title": "Other" })).await["id"].clone();
    app.post_ok(&format!("/api/deals/{lost}/stage"), &json!({ "stage_id": 6 }), 200).await;
    let contact = app.post_ok("/api/contacts/new", &json!({ "email": "bob@acme.example" }), 201).await;
    let edit = format!("/api/contacts/{}/edit", contact["contact"]["id"]);
    assert_eq!(app.send_json(Method::PATCH, &edit, &json!({ "company": "Acme Corp" })).await.status(), 200);
}

/// The first item of each trigger in the bodies received.
fn first_items(received: &[crate::receiver::Received]) -> Vec<(String, Value)> {
    let mut items: Vec<(String, Value)> = Vec::new();
    for request in received {
        for (trigger, group) in request.json().as_object().unwrap() {
            if !items.iter().any(|(t, _)| t == trigger) {
                items.push((trigger.clone(), group[0].clone()));
            }
        }
    }
    items
}

async fn test_send(app: &TestApp, receiver: &Receiver) -> Vec<(String, Value)> {
    let hook = app.create_hook(hook_body("Test", &receiver.url, &FIRING)).await;
    let before = receiver.received().len();
    let answer = app.post_ok(&format!("/api/hooks/{}/test", hook["id"]), &json!({}), 200).await;
    assert_eq!(answer["test"]["success"], true);
    first_items(&receiver.received()[before..])
}

#[tokio::test]
async fn a_test_send_gives_every_trigger_an_item_with_the_keys_of_a_real_delivery() {
    let (empty, sample_receiver) = (spawn_driven_app().await, Receiver::start().await);
    let made_up = test_send(&empty, &sample_receiver).await;
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.create_hook(hook_body("Real", &receiver.url, &FIRING)).await;
    fire_every_trigger(&app).await;
    app.dispatcher.step().await.unwrap();
    let real = first_items(&receiver.received());
    let real_ids: Vec<String> = receiver.received().iter().flat_map(|r| r.event_ids()).collect();
    let from_log = test_send(&app, &Receiver::start().await).await;

    for trigger in FIRING {
        let find = |items: &[(String, Value)]| {
            items
                .iter()
                .find(|(t, _)| t == trigger)
                .map(|(_, item)| item.clone())
                .unwrap_or_else(|| panic!("{trigger}"))
        };
        let (real, made_up, from_log) = (find(&real), find(&made_up), find(&from_log));
        assert_eq!(keys(&made_up), keys(&real), "made-up sample of {trigger}");
        assert_eq!(keys(&from_log), keys(&real), "test item from the log of {trigger}");
        assert_eq!(
            (real["event_info"]["test"].clone(), made_up["event_info"]["test"].clone()),
            (json!(false), json!(true))
        );
        assert_eq!(from_log["event_info"]["test"], true, "{trigger}");
        let from_log_id = from_log["event_info"]["event_id"].as_str().unwrap().to_owned();
        assert!(real_ids.contains(&from_log_id), "{trigger}: the test item is made from a real event");
        assert!(!real_ids.contains(&made_up["event_info"]["event_id"].as_str().unwrap().to_owned()));
    }
}

#[tokio::test]
async fn slack_messages_show_money_in_the_currencys_minor_units() {
    let (app, receiver) = (spawn_driven_app().await, Receiver::start().await);
    app.patch_settings(json!({ "queue_mode": "queue" })).await;
    let mut body = hook_body("Slack", &receiver.url, &["dealflow.deal.won"]);
    body["payloadFormat"] = json!("slack");
    app.create_hook(body).await;
    for (title, amount, currency) in
        [("Euro", "15000.5", "EUR"), ("Yen", "1500", "JPY"), ("Dinar", "1234.5", "KWD"), ("Pound", "999.995", "GBP")]
    {
        app.create_deal(json!({ "title": title, "amount": amount, "currency": currency, "stage_id": 5 })).await;
    }

    app.dispatcher.step().await.unwrap();

    let text = receiver.received()[0].json()["text"].as_str().unwrap().to_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "Deal *Euro* won — 15,000.50 EUR",
            "Deal *Yen* won — 1,500 JPY",
            "Deal *Dinar* won — 1,234.500 KWD",
            "Deal *Pound* won — 1,000 GBP",
        ]
    );
}
