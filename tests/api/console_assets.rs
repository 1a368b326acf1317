//! The console's CSS and JavaScript are embedded in the binary and cached by browsers: their URLs
//! carry a content hash, so they are served as immutable with an `ETag`.

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_console_assets_are_served_immutable_with_an_etag_and_revalidate_to_304() {
    let app = spawn_app().await;
    let login = app.get("/login").await.text().await.unwrap();

    for (name, content_type) in [("console.css", "text/css"), ("console.js", "text/javascript")] {
        let versioned = login
            .split('"')
            .find(|part| part.starts_with(&format!("/static/{name}?v=")))
            .unwrap_or_else(|| panic!("the layout links {name} with its version"));
        let answer = app.get(versioned).await;
        assert_eq!(answer.status(), 200, "{name}");
        assert!(answer.headers()["content-type"].to_str().unwrap().starts_with(content_type));
        assert_eq!(answer.headers()["cache-control"], "public, max-age=31536000, immutable");
        let etag = answer.headers()["etag"].clone();
        assert!(!answer.text().await.unwrap().is_empty());

        let again = app.client.get(app.url(versioned)).header("If-None-Match", etag).send().await.unwrap();
        assert_eq!(again.status(), 304, "{name} revalidates");
    }
    let missing = app.get("/static/nothing.js").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}

#[tokio::test]
async fn pages_are_not_cached_and_without_a_session_send_the_browser_to_sign_in() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for path in ["/", "/board", "/board/live", "/deals", "/deals/1"] {
        let answer = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(answer.status(), 303, "{path}");
        let back = form_urlencoded::Serializer::new(String::new()).append_pair("next", path).finish();
        let expected = if path == "/" { "/login".to_owned() } else { format!("/login?{back}") };
        assert_eq!(answer.headers()["location"], expected.as_str(), "{path}: sign in, then back to the page");
    }
    let login = app.get("/login").await;
    assert_eq!(login.headers()["cache-control"], "no-store");
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "not behind https here: {cookie}");
}
