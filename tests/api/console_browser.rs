//! A real headless Chromium, driven through chromedriver (WebDriver) by `fantoccini`, for the
//! console's tests. Each browser gets its own chromedriver on a free port and a fresh profile;
//! when either cannot start, the test fails (it never skips).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::TestApp;

/// The flags Chromium needs on a CI machine without a display, a sandbox or a network.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,800",
];

/// A browser session and the chromedriver serving it.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    base: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium that opens pages of `app`.
    pub async fn start(app: &TestApp) -> Self {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts (Debian's chromium-driver package; .ci/run installs it)");
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({ "goog:chromeOptions": { "args": args } });
        let serde_json::Value::Object(capabilities) = capabilities else { unreachable!() };
        let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(capabilities);
        let webdriver = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        // chromedriver takes a moment to listen; a browser that cannot start fails the test.
        for _ in 0..100 {
            match builder.connect(&webdriver).await {
                Ok(client) => return Self { client, driver, _profile: profile, base: app.address.clone() },
                Err(error) => last_error = Some(error.to_string()),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("Chromium did not start through chromedriver: {}", last_error.unwrap_or_default());
    }

    /// Opens a path of the app.
    pub async fn open(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.expect("the page opens");
    }

    /// The path of the current page.
    pub async fn path(&self) -> String {
        self.client.current_url().await.expect("a current URL").path().to_owned()
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        self.client.find(Locator::Css("body")).await.expect("a body").text().await.expect("its text")
    }

    /// How many elements match `css`.
    pub async fn count(&self, css: &str) -> usize {
        self.client.find_all(Locator::Css(css)).await.expect("a query").len()
    }

    /// Fills the sign-in form and submits it.
    pub async fn sign_in(&self, username: &str, password: &str) {
        self.open("/login").await;
        self.submit_login(username, password).await;
    }

    /// Fills and submits the login form on the page the browser is on.
    pub async fn submit_login(&self, username: &str, password: &str) {
        self.client.find(Locator::Id("username")).await.unwrap().send_keys(username).await.unwrap();
        self.client.find(Locator::Id("password")).await.unwrap().send_keys(password).await.unwrap();
        let button = self.client.find(Locator::Css("main form button[type=submit]")).await.unwrap();
        self.click_and_wait(&button).await;
    }

    /// Clicks `element` and waits until the next page has replaced this one.
    pub async fn click_and_wait(&self, element: &fantoccini::elements::Element) {
        let page = self.client.find(Locator::Css("html")).await.expect("a page");
        element.click().await.expect("a click");
        for _ in 0..200 {
            if page.tag_name().await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the click did not load another page");
    }

    /// The session cookie's value, to forge requests from outside the browser.
    pub async fn session_cookie(&self) -> String {
        let cookie = self.client.get_named_cookie("dealflow_session").await.expect("a session cookie");
        assert_eq!(cookie.http_only(), Some(true), "the session cookie is HttpOnly");
        cookie.value().to_owned()
    }

    /// The page's CSRF token (the sign-out form's).
    pub async fn csrf_token(&self) -> String {
        let input = self.client.find(Locator::Css("form.signout input[name=csrf]")).await.expect("a CSRF field");
        input.attr("value").await.unwrap().expect("a token")
    }

    /// Saves a screenshot of the page as `docs/console/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/console");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// Ends the browser session.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// A form POST to the console from outside the browser, with the session cookie.
pub async fn forged_post(app: &TestApp, path: &str, cookie: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url(path))
        .header("Cookie", format!("dealflow_session={cookie}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish())
        .send()
        .await
        .unwrap()
}
