//! The OpenAPI 3.1 document of the HTTP API, generated with utoipa from the code's own types:
//! `GET /api/openapi.json` (public) and `dealflow openapi`. Operations are described by stub
//! functions per area (so handlers stay where they are); [`conventions`] adds the security and
//! error answers every route shares; [`webhooks`] adds the outbound bodies of each trigger.
//!
//! `answers` and `bodies` hold schema-only mirrors of answers built with `json!` and of bodies
//! read field by field, each wrapping the real entity types.

pub mod admin;
pub mod answers;
pub mod bodies;
pub mod conventions;
pub mod forms;
pub mod headers;
pub mod hook_answers;
pub mod hooks;
pub mod params;
pub mod query;
pub mod reader;
pub mod records;
pub mod sources;
pub mod webhooks;

use actix_web::HttpResponse;
use serde_json::Value;
use utoipa::OpenApi;

/// The document's skeleton: title, version, tags and the shared schemas.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "dealflow",
        description = "A webhook hub for sales pipelines: inbound webhooks become deals and contacts, every change is \
            an event, and deal events go out to subscribers through a Mautic-compatible hooks API.",
        license(name = "MIT")
    ),
    components(schemas(answers::ErrorBody)),
    tags(
        (name = "deals"), (name = "pipelines"), (name = "contacts"), (name = "events", description = "History and export"),
        (name = "sources", description = "Inbound sources"), (name = "inbound", description = "The public receive endpoint"),
        (name = "hooks", description = "Mautic's hooks API and dealflow's delivery extras"),
        (name = "settings"), (name = "users"), (name = "operations", description = "Health, readiness, metrics, this document")
    )
)]
struct Skeleton;

/// The whole document as JSON, with OpenAPI 3.1 `webhooks`.
pub fn document() -> Value {
    let mut doc = Skeleton::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    for part in [records::Doc::openapi(), sources::Doc::openapi(), hooks::Doc::openapi(), admin::Doc::openapi()] {
        doc.merge(part);
    }
    doc.merge(webhooks::Doc::openapi());
    conventions::apply(&mut doc);
    let mut value = serde_json::to_value(&doc).unwrap_or_default();
    value["webhooks"] = serde_json::to_value(webhooks::webhooks()).unwrap_or_default();
    query::apply(&mut value);
    forms::encode_triggers(&mut value);
    reader::apply(&mut value);
    headers::apply(&mut value);
    value["servers"] = serde_json::json!([{"url": "/"}]);
    value
}

/// The document as the server serves it and `dealflow openapi` prints it (ends with a newline).
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}

/// `GET /api/openapi.json`. The document depends only on the build, so it is made once, at the
/// first request, rather than rebuilt (and all its schemas re-walked) on every fetch.
pub async fn serve() -> HttpResponse {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HttpResponse::Ok().content_type("application/json").body(TEXT.get_or_init(document_text).as_str())
}
