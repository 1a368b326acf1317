//! Contact commands and queries (SPEC §6, issue 4).

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn contacts_are_created_edited_searched_and_read_back() {
    let app = spawn_app().await;
    let jane = app
        .post_ok(
            "/api/contacts/new",
            &json!({ "email": "Jane@Acme.com", "first_name": "Jane", "company": "Acme" }),
            201,
        )
        .await;
    app.post_ok("/api/contacts/new", &json!({ "email": "bob@other.org", "last_name": "Smith" }), 201).await;
    let id = jane["contact"]["id"].clone();

    let edited = json(
        app.send_json(
            Method::PATCH,
            &format!("/api/contacts/{id}/edit"),
            &json!({ "last_name": "Doe", "company": null }),
        )
        .await,
    )
    .await;
    let by_company = app.get_ok("/api/contacts?search=acme").await;
    let by_name = app.get_ok("/api/contacts?search=jane%20doe").await;
    let fetched = app.get_ok(&format!("/api/contacts/{id}")).await;

    assert_eq!(edited["contact"]["last_name"], "Doe");
    assert_eq!(edited["contact"]["company"], serde_json::Value::Null);
    assert_eq!(by_company["total"], 1);
    assert_eq!(by_company["contacts"][0]["email"], "Jane@Acme.com");
    assert_eq!(by_name["total"], 1);
    assert_eq!(fetched["contact"]["version"], 2);
}

#[tokio::test]
async fn an_email_belongs_to_one_contact_whatever_its_case() {
    let app = spawn_app().await;
    app.post_ok("/api/contacts/new", &json!({ "email": "jane@acme.com" }), 201).await;
    let bob = app.post_ok("/api/contacts/new", &json!({ "email": "bob@acme.com" }), 201).await;
    let head = app.head();

    let duplicate =
        error_body(app.send_json(Method::POST, "/api/contacts/new", &json!({ "email": "JANE@acme.com" })).await, 422)
            .await;
    let taken = error_body(
        app.send_json(
            Method::PATCH,
            &format!("/api/contacts/{}/edit", bob["contact"]["id"]),
            &json!({ "email": "Jane@Acme.com" }),
        )
        .await,
        422,
    )
    .await;

    assert!(duplicate["details"]["email"].is_array());
    assert!(taken["details"]["email"].is_array());
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn adding_a_contact_by_email_reuses_an_existing_one() {
    let app = spawn_app().await;
    let jane = app.post_ok("/api/contacts/new", &json!({ "email": "jane@acme.com", "first_name": "Jane" }), 201).await;
    let deal = app.create_deal(json!({ "title": "Shared" })).await;

    let answer = app
        .post_ok(&format!("/api/deals/{}/contacts/add", deal["id"]), &json!({ "email": "JANE@acme.com" }), 200)
        .await;
    let by_contact = app.get_ok(&format!("/api/deals?contact_id={}", jane["contact"]["id"])).await;

    assert_eq!(answer["deal"]["contacts"][0]["id"], jane["contact"]["id"]);
    assert_eq!(by_contact["total"], 1);
    assert_eq!(app.events_of_type("contact.created").len(), 1);
}
