//! Issue 11, body formats: a form-encoded body (PHP `a[b]=c` nesting) and a `GET` with a query
//! string through a `url_token` source each create a deal; GET is only for `url_token`.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_php_form_body_creates_a_deal_with_its_nested_contact() {
    let app = spawn_app().await;
    let source = app.create_source_with(json!({})).await;
    let body = b"title=Form%20deal&amount=1200&contact%5Bemail%5D=jane.doe%40example.com&contact[first_name]=Jane\
                 &custom_fields[plan]=pro";

    let response = app.send_signed(&source, body, "application/x-www-form-urlencoded", &[]).await;

    assert_eq!(response.status(), 201);
    let answer = json(response).await;
    assert_eq!(answer["deal"]["title"], "Form deal");
    assert_eq!(answer["deal"]["amount"], 1200);
    assert_eq!(answer["contact"]["email"], "jane.doe@example.com");
}

#[tokio::test]
async fn a_get_with_a_query_string_through_a_url_token_source_creates_a_deal() {
    let app = spawn_app().await;
    let created =
        app.post_ok("/api/sources/new", &json!({ "name": "Mautic campaign", "signature": "url_token" }), 201).await;
    let receive_url = created["receive_url"].as_str().unwrap();
    assert_eq!(created["access_key"], created["secret"]);

    let url = format!("{receive_url}&title=Campaign%20lead&contact[email]=lead%40example.com&amount=300");
    let response = app.client.get(url).send().await.unwrap();

    assert_eq!(response.status(), 201);
    let answer = json(response).await;
    assert_eq!(answer["deal"]["title"], "Campaign lead");
    assert_eq!(answer["contact"]["email"], "lead@example.com");
    let without_key = format!("/deal-flow/settings/inbound-webhooks/{}/receive?title=x", created["source"]["id"]);
    error_body(app.client.get(app.url(&without_key)).send().await.unwrap(), 403).await;
}

#[tokio::test]
async fn a_get_to_a_source_that_signs_bodies_is_405_and_stores_nothing() {
    let app = spawn_app().await;
    let source = app.create_source("Signed").await;
    let head = app.head();

    let url = app.url(&format!("/deal-flow/settings/inbound-webhooks/{}/receive?title=x", source.id));
    let response = app.client.get(url).send().await.unwrap();

    let error = error_body(response, 405).await;
    assert!(error["message"].as_str().unwrap().contains("dealflow signature scheme"), "{error}");
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn a_url_token_source_takes_its_key_as_a_bearer_token_from_senders_that_send_a_header() {
    let app = spawn_app().await;
    let created = app.post_ok("/api/sources/new", &json!({ "name": "DealHub", "preset": "dealhub" }), 201).await;
    let (id, key) = (created["source"]["id"].as_u64().unwrap(), created["access_key"].as_str().unwrap());
    let body =
        br#"{"event_info": {"event_id": "evt-bearer"}, "event_type": "quoteReady", "dealhub_opportunity_id": "OPP-1"}"#;
    let bearer = [("Authorization".to_owned(), format!("Bearer {key}"))];
    let wrong = [("Authorization".to_owned(), "Bearer not-the-key".to_owned())];

    let refused = app.send_with(id, body, "application/json", &wrong, None, &[]).await;
    let accepted = app.send_with(id, body, "application/json", &bearer, None, &[]).await;

    error_body(refused, 403).await;
    assert_eq!(accepted.status(), 201);
    assert_eq!(json(accepted).await["deal"]["stage"]["name"], "Proposal Sent");
}
