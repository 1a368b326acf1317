//! Basic accessibility of every console page, in a real browser (issue 12, "Look"): each form
//! control has a label, each button and link has a name, no two labels on a page read the same,
//! and the first Tab reaches a link that skips to the content.

use fantoccini::key::Key;
use serde_json::json;

use crate::console_browser::Browser;
use crate::console_phone::PAGES;
use crate::helpers::{ADMIN_PASSWORD, hook_body, spawn_app};

/// What on the current page breaks the rules above, one line each.
const PROBLEMS: &str = r#"
const problems = [];
const visible = (e) => e.type !== 'hidden' && !e.hidden && e.getClientRects().length > 0;
const named = (e) => (e.getAttribute('aria-label') || '').trim() || e.getAttribute('aria-labelledby')
    || (e.labels && e.labels.length > 0) || (e.textContent || '').trim() || e.getAttribute('title');
for (const e of document.querySelectorAll('input, select, textarea')) {
  if (e.type === 'hidden') continue;
  if (!(e.labels && e.labels.length > 0) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
    problems.push('unlabelled ' + e.tagName.toLowerCase() + ' #' + e.id + ' name=' + e.name);
}
for (const e of document.querySelectorAll('button, a[href]')) {
  if (visible(e) && !named(e)) problems.push('unnamed ' + e.tagName.toLowerCase() + ' ' + e.outerHTML.slice(0, 80));
}
const seen = new Map();
for (const l of document.querySelectorAll('label')) {
  const text = l.textContent.trim().toLowerCase();
  const form = l.closest('form');
  if (seen.has(text) && seen.get(text) !== form) problems.push('two labels read "' + text + '"');
  seen.set(text, form);
}
return problems;
"#;

#[tokio::test]
async fn every_console_page_labels_its_controls_names_its_buttons_and_skips_to_the_content() {
    let app = spawn_app().await;
    let source = app.create_source("Website").await;
    let deal = json!({ "title": "Acme", "amount": 10, "contact": { "email": "jane@example.com" } });
    assert!(app.post_inbound(&source, &deal).await.status().is_success());
    app.create_hook(hook_body("CRM", "https://crm.example.com/hooks", &["dealflow.deal.won"])).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;

    for page in PAGES {
        browser.open(page).await;
        let problems = browser.client.execute(PROBLEMS, vec![]).await.unwrap();
        assert_eq!(problems, json!([]), "{page}");
        browser.client.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
        let first = browser.client.active_element().await.unwrap();
        assert_eq!(first.text().await.unwrap(), "Skip to the content", "{page}: the first Tab stop");
    }
    browser.close().await;
}
