//! Issue 11, item 1: a source's `signature`, `tolerance_seconds`, `mapping` and `preset`,
//! validated once at the edge, shown in the source view; imported secrets; the presets list.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::sender_helpers::*;

#[tokio::test]
async fn a_source_created_as_before_keeps_the_dealflow_scheme_and_no_mapping() {
    let app = spawn_app().await;
    let source = app.create_source("Plain").await;

    let shown = app.get_ok(&format!("/api/sources/{}", source.id)).await;

    assert_eq!(shown["source"]["signature"], "dealflow");
    assert_eq!(shown["source"]["tolerance_seconds"], 300);
    assert_eq!(shown["source"]["mapping"], Value::Null);
    assert_eq!(shown["source"]["preset"], Value::Null);
    let response = app.post_inbound(&source, &json!({ "title": "As in SPEC 5" })).await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn the_presets_are_listed_with_label_scheme_and_documentation_link() {
    let app = spawn_app().await;

    let listed = app.get_ok("/api/sources/presets").await;

    let names: Vec<&str> = listed["presets"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["typeform", "stripe", "calendly", "shopify", "standard", "mautic", "form", "dealhub"]);
    for preset in listed["presets"].as_array().unwrap() {
        assert!(preset["label"].as_str().is_some_and(|l| !l.is_empty()), "{preset}");
        assert!(preset["docs_url"].as_str().unwrap().starts_with("https://"), "{preset}");
        assert!(preset["signature"].as_str().unwrap().parse::<domain::signature::SignatureScheme>().is_ok());
    }
    assert_eq!(listed["total"], 8);
}

#[tokio::test]
async fn a_preset_fills_in_scheme_and_mapping_which_the_user_can_then_edit() {
    let app = spawn_app().await;
    let created = app.post_ok("/api/sources/new", &json!({ "name": "Typeform", "preset": "typeform" }), 201).await;
    let (id, preset) = (&created["source"]["id"], domain::mapping::presets::find("typeform").unwrap());
    assert_eq!(created["source"]["signature"], "typeform");
    assert_eq!(created["source"]["preset"], "typeform");
    assert_eq!(created["source"]["mapping"], serde_json::to_value(&preset.mapping).unwrap());

    let mapping = json!({ "fields": { "title": { "path": "$.form_response.definition.title" } } });
    let edit = json!({ "mapping": mapping, "tolerance_seconds": 60 });
    let edited = app.send_json(reqwest::Method::PATCH, &format!("/api/sources/{id}/edit"), &edit).await;

    let edited = json(edited).await;
    assert_eq!(edited["source"]["mapping"], mapping);
    assert_eq!(edited["source"]["tolerance_seconds"], 60);
    assert_eq!(edited["source"]["signature"], "typeform");
    let switched =
        app.send_json(reqwest::Method::PATCH, &format!("/api/sources/{id}/edit"), &json!({ "preset": "stripe" })).await;
    let switched = json(switched).await;
    assert_eq!((&switched["source"]["preset"], &switched["source"]["signature"]), (&json!("stripe"), &json!("stripe")));
}

#[tokio::test]
async fn an_unknown_scheme_or_a_bad_mapping_is_422_naming_each_field_and_creates_nothing() {
    let app = spawn_app().await;
    let head = app.head();
    let body = json!({
        "name": "Broken",
        "signature": "svix",
        "tolerance_seconds": -1,
        "mapping": { "fields": { "title": { "path": "$[" }, "contact.phone": { "path": "$.phone" } } }
    });

    let response = app.send_json(reqwest::Method::POST, "/api/sources/new", &body).await;

    let error = error_body(response, 422).await;
    let fields: Vec<&String> = error["details"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["mapping.contact.phone", "mapping.title", "signature", "tolerance_seconds"], "{error}");
    assert!(error["details"]["signature"][0].as_str().unwrap().contains("use one of: dealflow"));
    assert_eq!(app.head(), head);
    let preset = json!({ "name": "x", "preset": "zapier" });
    let error = error_body(app.send_json(reqwest::Method::POST, "/api/sources/new", &preset).await, 422).await;
    assert!(error["details"]["preset"][0].as_str().unwrap().contains("typeform"), "{error}");
}

#[tokio::test]
async fn an_imported_secret_signs_requests_and_the_replaced_one_keeps_its_grace_period() {
    let app = spawn_app().await;
    let stripe = "whsec_test_FirstImportedSecret0001";
    let created = app
        .post_ok("/api/sources/new", &json!({ "name": "Stripe", "signature": "stripe", "secret": stripe }), 201)
        .await;
    assert_eq!(created["secret"], stripe);
    let id = created["source"]["id"].as_u64().unwrap();
    let rotated = "whsec_test_SecondImportedSecret002";

    let response =
        app.send_json(reqwest::Method::PATCH, &format!("/api/sources/{id}/edit"), &json!({ "secret": rotated })).await;
    assert_eq!(response.status(), 200);
    let body = |title: &str| format!(r#"{{"title": "{title}"}}"#).into_bytes();
    let with = |secret: &str| SenderSource {
        id,
        secret: secret.to_owned(),
        scheme: domain::signature::SignatureScheme::Stripe,
    };

    let new = app.send_signed(&with(rotated), &body("new"), "application/json", &[]).await;
    let old = app.send_signed(&with(stripe), &body("old"), "application/json", &[]).await;
    assert_eq!((new.status().as_u16(), old.status().as_u16()), (201, 201));
}

#[tokio::test]
async fn no_secret_is_ever_in_the_event_log_but_scheme_and_mapping_are() {
    let app = spawn_app().await;
    let imported = "whsec_test_NeverInTheLog000001";
    let created = app
        .post_ok("/api/sources/new", &json!({ "name": "Stripe", "preset": "stripe", "secret": imported }), 201)
        .await;
    let id = created["source"]["id"].as_u64().unwrap();
    let edit = json!({ "secret": "whsec_test_AlsoNeverInTheLog0002", "signature": "typeform" });
    assert_eq!(app.send_json(reqwest::Method::PATCH, &format!("/api/sources/{id}/edit"), &edit).await.status(), 200);
    let token = app.post_ok("/api/sources/new", &json!({ "name": "Form", "preset": "form" }), 201).await;
    let rotated = app.post_ok(&format!("/api/sources/{}/secret/rotate", token["source"]["id"]), &json!({}), 200).await;
    assert!(rotated["receive_url"].as_str().unwrap().ends_with(rotated["access_key"].as_str().unwrap()));

    let everything = eventlog::EventLog::read_all(&app.log, 0, 100_000, &Default::default()).unwrap();
    let text: String = everything.iter().map(|event| format!("{}{}", event.data, event.metadata_json)).collect();
    for secret in [
        imported,
        "whsec_test_AlsoNeverInTheLog0002",
        token["secret"].as_str().unwrap(),
        rotated["secret"].as_str().unwrap(),
    ] {
        assert!(!text.contains(secret), "a secret is in the log");
    }
    let created_event = &app.events_of_type("source.created")[0];
    assert!(created_event.data.to_string().contains("\"signature\":\"stripe\""), "{}", created_event.data);
    assert!(app.events_of_type("source.updated")[0].data.to_string().contains("typeform"));
}
