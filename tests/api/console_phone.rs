//! Every console page at phone width (390×844) and at 1280×800, in a real browser: the page never
//! scrolls sideways (a wide table or board scrolls inside its own box). Screenshots of some of
//! them at phone width go to `docs/console/`.

use serde_json::json;

use crate::console_browser::Browser;
use crate::helpers::{ADMIN_PASSWORD, hook_body, spawn_app};

/// Every page a signed-in admin can open, with a deal, a contact, a source and a hook in place.
pub const PAGES: &[&str] = &[
    "/board",
    "/pipelines/1/stages",
    "/deals",
    "/deals/1",
    "/contacts",
    "/contacts/1",
    "/sources",
    "/sources/1",
    "/sources/1/mapping",
    "/hooks",
    "/hooks/new",
    "/hooks/1",
    "/hooks/1/logs",
    "/hooks/settings",
    "/events",
    "/users",
    "/users/1",
];

/// Pixels the document is wider than the window's viewport (0 when it fits).
async fn overflow(browser: &Browser) -> i64 {
    let script = "const root = document.documentElement; return root.scrollWidth - root.clientWidth;";
    browser.client.execute(script, vec![]).await.unwrap().as_i64().expect("a number")
}

#[tokio::test]
async fn no_console_page_scrolls_sideways_on_a_phone_or_a_laptop() {
    let app = spawn_app().await;
    let source = app.create_source("Website").await;
    let deal = json!({ "title": "Acme Corp - Enterprise Plan with a rather long title", "amount": 15000,
        "contact": { "email": "jane.doe.with.a.long.address@example.com", "first_name": "Jane" } });
    assert!(app.post_inbound(&source, &deal).await.status().is_success());
    app.create_hook(hook_body("CRM", "https://crm.example.com/hooks/dealflow", &["dealflow.deal.won"])).await;
    let browser = Browser::start(&app).await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;

    for (width, height) in [(390, 844), (1280, 800)] {
        browser.client.set_window_size(width, height).await.unwrap();
        for page in PAGES {
            browser.open(page).await;
            assert_eq!(browser.path().await, *page, "the page opened");
            assert!(
                overflow(&browser).await <= 0,
                "{page} at {width}px scrolls sideways by {} px",
                overflow(&browser).await
            );
        }
    }
    browser.client.set_window_size(390, 844).await.unwrap();
    for (page, name) in
        [("/deals", "deals-phone"), ("/hooks/new", "hook-phone"), ("/pipelines/1/stages", "stages-phone")]
    {
        browser.open(page).await;
        browser.screenshot(name).await;
    }
    browser.close().await;
}
