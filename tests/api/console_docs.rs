//! `docs/console.md` tells a newcomer what the console will refuse before they meet it: a
//! webhook to a local receiver needs `DEALFLOW_ALLOW_PRIVATE_TARGETS` (read at start), and a deal
//! search matches the title or the exact external id, not contacts.

use crate::doc_blocks::repository_root;
use crate::helpers::{hook_body, spawn_app_with};

fn console_doc() -> String {
    std::fs::read_to_string(repository_root().join("docs/console.md")).expect("docs/console.md")
}

/// The text of `doc` before the first `marker`.
fn before<'a>(doc: &'a str, marker: &str) -> &'a str {
    &doc[..doc.find(marker).unwrap_or_else(|| panic!("{marker:?} in docs/console.md"))]
}

#[tokio::test]
async fn the_private_target_switch_is_explained_before_the_first_webhook_form_as_the_server_refuses() {
    let app = spawn_app_with(|settings| settings.webhooks.allow_private_targets = false).await;
    let body = hook_body("local", "http://127.0.0.1:9/in", &["dealflow.deal.won"]);
    let refused = app.send_json(reqwest::Method::POST, "/api/hooks/new", &body).await;
    assert_eq!(refused.status(), 422, "a local receiver is refused by default");
    assert!(refused.text().await.unwrap().contains("allow_private_targets"), "the refusal names the setting");

    let doc = console_doc();
    let intro = before(&doc, "**New webhook**");
    for said in ["DEALFLOW_ALLOW_PRIVATE_TARGETS=true", "allow_private_targets", "127.0.0.1", "localhost", "restart"] {
        assert!(intro.contains(said), "docs/console.md says {said:?} before the first New webhook");
    }
}

#[test]
fn the_deal_search_is_described_as_it_matches_before_the_deals_page() {
    let doc = console_doc();
    let intro = before(&doc, "| Deals |");
    assert!(intro.contains("**Deal search** matches the title"), "what a deal search matches");
    assert!(intro.contains("exact external") && intro.contains("not search the deal's contacts"));
}
