//! The whole mapping shown in docs/inbound.md section 6 is one a source accepts, with its
//! top-level conversions applied to every field; and a JSONPath that selects several values
//! takes the first.

use serde_json::{Value, json};

use crate::doc_blocks::{fenced_blocks, repository_root};
use crate::helpers::*;

fn documented_mapping() -> Value {
    let markdown = std::fs::read_to_string(repository_root().join("docs/inbound.md")).unwrap();
    let block = fenced_blocks(&markdown)
        .into_iter()
        .find(|block| block.lang == "json" && block.text.trim_start().starts_with("{\"fields\""))
        .expect("a whole mapping in docs/inbound.md");
    serde_json::from_str(&block.text).expect("the documented mapping is JSON")
}

#[tokio::test]
async fn the_documented_whole_mapping_converts_every_field_as_its_top_level_settings_say() {
    let app = spawn_app().await;
    let source = app.create_source("Pricing page").await;
    let body = json!({
        "company": "Example Corp", "plan": "Pro", "budget": "15.000,50", "decision_date": "30/06/2026",
        "status": "quoted", "submission_id": "entry-7",
        "contact": {"email": "jane.doe@example.com"},
        "answers": [{"email": "first@example.com"}, {"email": "second@example.com"}]
    });

    let preview = app
        .post_ok(
            &format!("/api/sources/{}/mapping/test", source.id),
            &json!({ "body": body, "mapping": documented_mapping() }),
            200,
        )
        .await;
    let several = json!({ "fields": { "title": {"value": "t"}, "contact.email": {"path": "$.answers[*].email"} } });
    let first = app
        .post_ok(&format!("/api/sources/{}/mapping/test", source.id), &json!({ "body": body, "mapping": several }), 200)
        .await;

    assert_eq!(preview["valid"], true, "{preview}");
    assert_eq!(preview["status"], 201);
    assert_eq!(preview["deal"]["title"], "Example Corp - Pro");
    assert_eq!(preview["deal"]["amount"].as_f64(), Some(15000.5));
    assert_eq!(preview["payload"]["close_date"], "2026-06-30", "{preview}");
    assert_eq!(preview["deal"]["stage"]["name"], "Proposal Sent");
    assert_eq!(preview["idempotency_key"], "entry-7");
    assert_eq!(first["contact"]["email"], "first@example.com", "{first}");
}
