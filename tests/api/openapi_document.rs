//! The OpenAPI document (issue 15): served publicly, equal to the committed `docs/openapi.json`,
//! and listing exactly the routes the server registers.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::Value;

use crate::helpers::*;

const REGENERATE: &str = "cargo run -q -p server --bin dealflow -- openapi > docs/openapi.json";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `(METHOD, /path/{}/…)` with path parameters unnamed, for comparing code and document.
type Route = (String, String);

fn unnamed(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push_str("{}");
            }
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

fn full_path(path: &str) -> String {
    let top_level = ["/health", "/ready", "/metrics"].contains(&path);
    if top_level || path.starts_with("/api/") || path.starts_with("/deal-flow/") {
        path.to_owned()
    } else {
        format!("/api{path}")
    }
}

fn quoted(text: &str) -> &str {
    text.split('"').next().unwrap_or_default()
}

fn method_after(text: &str) -> Option<String> {
    let rest = &text[text.find("web::")? + 5..];
    Some(rest.split('(').next()?.to_uppercase())
}

/// The routes registered in one source file: `web::resource("…").route(web::get()…)` chains
/// and `.route("…", web::get()…)` calls, in order (comment lines left out).
fn routes_in(source: &str) -> Vec<Route> {
    let code: String =
        source.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let (mut routes, mut current) = (Vec::new(), None::<String>);
    for (at, _) in code.char_indices() {
        let rest = &code[at..];
        if let Some(path) = rest.strip_prefix("resource(\"") {
            current = Some(quoted(path).to_owned());
        } else if let Some(path) = rest.strip_prefix("route(\"") {
            let method = method_after(rest).expect("a method after a route's path");
            routes.push((method, unnamed(&full_path(quoted(path)))));
        } else if rest.starts_with("route(web::") {
            let path = current.clone().expect("a resource before its routes");
            routes.push((method_after(rest).expect("a method"), unnamed(&full_path(&path))));
        }
    }
    routes
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// Every API route the code registers: the feature crates' `configure` functions, the
/// server's `http` module and `startup.rs`. (The console's HTML pages are not the API.)
fn registered_routes() -> BTreeSet<Route> {
    let root = workspace().join("crates");
    let mut files = vec![root.join("server/src/startup.rs")];
    for dir in ["ingest/src", "projection/src", "dispatcher/src", "server/src/http"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.iter().flat_map(|file| routes_in(&std::fs::read_to_string(file).unwrap())).collect()
}

fn documented_routes(document: &Value) -> BTreeSet<Route> {
    let mut routes = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                routes.insert((method.to_uppercase(), unnamed(path)));
            }
        }
    }
    routes
}

#[tokio::test]
async fn the_document_is_public_and_equal_to_the_committed_docs_openapi_json() {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200, "served without credentials");
    let served = response.text().await.unwrap();
    let committed = std::fs::read_to_string(workspace().join("docs/openapi.json")).unwrap_or_default();
    assert!(
        served == committed,
        "docs/openapi.json differs from what the server serves; regenerate it with:\n  {REGENERATE}"
    );
    let document: Value = serde_json::from_str(&served).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    assert!(document["webhooks"]["dealflow.deal.stage_changed"]["post"]["requestBody"].is_object());
}

#[test]
fn the_route_scanner_reads_resource_chains_and_route_calls() {
    let source = "cfg.service(web::resource(\"/hooks/{id}/edit\").route(web::put().to(a)).route(web::patch().to(b)))\n\
                  // .route(\"/commented\", web::get())\n    .route(\"/users/{id}\", web::get().to(show))";
    let routes = routes_in(source);
    let expected = [("PUT", "/api/hooks/{}/edit"), ("PATCH", "/api/hooks/{}/edit"), ("GET", "/api/users/{}")];
    assert_eq!(routes, expected.map(|(m, p)| (m.to_owned(), p.to_owned())));
}

#[tokio::test]
async fn every_route_the_code_registers_is_in_the_document_and_every_documented_one_is_served() {
    let app = spawn_app().await;
    let document = json(app.get("/api/openapi.json").await).await;
    let (code, documented) = (registered_routes(), documented_routes(&document));
    let undocumented: Vec<_> = code.difference(&documented).collect();
    let unregistered: Vec<_> = documented.difference(&code).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the document (add them in crates/server/src/openapi): {undocumented:?}"
    );
    assert!(unregistered.is_empty(), "documented routes the code does not register: {unregistered:?}");
    for (method, path) in &documented {
        let concrete = path.replace("{}", "999999");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let answer = app.as_admin(method.clone(), &concrete).send().await.unwrap().text().await.unwrap();
        assert!(!answer.contains("no route for"), "{method} {concrete} is documented but not served: {answer}");
    }
}
