//! Pipeline commands, queries and the board (SPEC §6, issue 4).

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_default_pipeline_is_listed_with_its_stages_in_order() {
    let app = spawn_app().await;

    let body = app.get_ok("/api/pipelines").await;

    assert_eq!(body["total"], 1);
    let stages: Vec<_> =
        body["pipelines"][0]["stages"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(stages, ["Lead In", "Qualified", "Proposal Sent", "Negotiation", "Won", "Lost"]);
}

#[tokio::test]
async fn a_pipeline_is_created_renamed_extended_and_reordered() {
    let app = spawn_app().await;
    let created = app
        .post_ok(
            "/api/pipelines/new",
            &json!({ "name": "Partners",
        "stages": [{ "name": "Intro" }, { "name": "Signed", "type": "won" }] }),
            201,
        )
        .await["pipeline"]
        .clone();
    let (id, intro, signed) =
        (created["id"].clone(), created["stages"][0]["id"].clone(), created["stages"][1]["id"].clone());
    assert_eq!(created["stages"][1]["probability"], 100);

    let edited = json(
        app.send_json(
            Method::PATCH,
            &format!("/api/pipelines/{id}/edit"),
            &json!({ "name": "Partner deals",
        "stages": [{ "id": signed, "probability": 90 }, { "name": "Dropped", "type": "lost" }, { "id": intro }] }),
        )
        .await,
    )
    .await;

    let names: Vec<_> =
        edited["pipeline"]["stages"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(edited["pipeline"]["name"], "Partner deals");
    assert_eq!(names, ["Signed", "Dropped", "Intro"]);
    assert_eq!(edited["pipeline"]["stages"][0]["probability"], 90);
}

#[tokio::test]
async fn the_board_sums_counts_and_weights_amounts_exactly_in_stage_order() {
    let app = spawn_app().await;
    for (amount, stage) in [(json!(100.10), 1), (json!(0.20), 1), (json!(1000), 3), (json!(5), 5)] {
        app.create_deal(json!({ "title": "d", "amount": amount, "stage_id": stage })).await;
    }
    let moved = app.create_deal(json!({ "title": "moved", "amount": 7, "stage_id": 1 })).await;
    app.post_ok(&format!("/api/deals/{}/stage", moved["id"]), &json!({ "stage_id": 3 }), 200).await;

    let board = app.get_ok("/api/pipelines/1/board").await["board"].clone();

    let stage = |i: usize| board["stages"][i].clone();
    assert_eq!(stage(0)["name"], "Lead In");
    assert_eq!((stage(0)["deal_count"].clone(), stage(0)["amount_sum"].clone()), (json!(2), json!(100.3)));
    assert_eq!(stage(0)["weighted_amount"], json!(10.03));
    assert_eq!((stage(2)["deal_count"].clone(), stage(2)["amount_sum"].clone()), (json!(2), json!(1007)));
    assert_eq!(stage(2)["weighted_amount"], json!(503.5));
    assert_eq!(stage(4)["weighted_amount"], json!(5));
    assert_eq!(board["deal_count"], 5);
    assert_eq!(board["amount_sum"], json!(1112.3));
}

#[tokio::test]
async fn a_deleted_pipeline_is_gone_from_queries_and_takes_no_deals() {
    let app = spawn_app().await;
    let created = app.post_ok("/api/pipelines/new", &json!({ "name": "Temp", "stages": [{ "name": "S" }] }), 201).await;
    let id = created["pipeline"]["id"].clone();

    let deleted = app.as_admin(Method::DELETE, &format!("/api/pipelines/{id}/delete")).send().await.unwrap();

    assert_eq!(json(deleted).await["pipeline"]["name"], "Temp");
    error_body(app.admin_get(&format!("/api/pipelines/{id}")).await, 404).await;
    error_body(app.send_json(Method::POST, "/api/deals/new", &json!({ "title": "x", "pipeline_id": id })).await, 422)
        .await;
}

#[tokio::test]
async fn bad_pipeline_input_is_422_and_unknown_ids_404() {
    let app = spawn_app().await;
    let head = app.head();

    let no_stages =
        error_body(app.send_json(Method::POST, "/api/pipelines/new", &json!({ "name": "x" })).await, 422).await;
    let bad_stage = error_body(
        app.send_json(
            Method::POST,
            "/api/pipelines/new",
            &json!({ "name": "x", "stages": [{ "name": "a", "type": "maybe", "probability": 101 }] }),
        )
        .await,
        422,
    )
    .await;
    let foreign_stage = error_body(
        app.send_json(Method::PATCH, "/api/pipelines/1/edit", &json!({ "stages": [{ "id": 999 }] })).await,
        422,
    )
    .await;

    assert!(no_stages["details"]["stages"].is_array());
    assert!(
        bad_stage["details"]["stages[0].type"].is_array() && bad_stage["details"]["stages[0].probability"].is_array()
    );
    assert!(foreign_stage["details"]["stages"].is_array());
    error_body(app.admin_get("/api/pipelines/9").await, 404).await;
    error_body(app.admin_get("/api/pipelines/9/board").await, 404).await;
    error_body(app.send_json(Method::PATCH, "/api/pipelines/9/edit", &json!({ "name": "x" })).await, 404).await;
    assert_eq!(app.head(), head);
}
