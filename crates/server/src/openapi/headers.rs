//! The response headers the server sets: `X-Request-Id` on every answer (one component header),
//! `Location` on the 201s that name what they created, `ETag` on the reads of versioned entities.

use serde_json::{Value, json};

/// (method, path) of the 201 answers that carry `Location`.
const LOCATION: &[(&str, &str)] = &[
    ("post", "/api/deals/new"),
    ("post", "/api/pipelines/new"),
    ("post", "/api/contacts/new"),
    ("post", "/api/sources/new"),
    ("post", "/api/users/new"),
    ("post", "/api/hooks/new"),
    ("put", "/api/hooks/{id}/edit"),
    ("post", "/api/categories/new"),
];

/// The `GET` paths whose 200 carries `ETag: "<version>"` (send it back as `If-Match`).
const ETAG: &[&str] = &["/api/deals/{id}", "/api/contacts/{id}", "/api/pipelines/{id}"];

fn header(description: &str) -> Value {
    json!({"description": description, "schema": {"type": "string"}})
}

/// Adds the component header and each answer's headers.
pub fn apply(doc: &mut Value) {
    doc["components"]["headers"]["X-Request-Id"] =
        header("The request's id (the client's own, or a new one), also in the log");
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, operation) in item.iter_mut() {
            let Some(responses) = operation["responses"].as_object_mut() else { continue };
            for (status, response) in responses.iter_mut() {
                let headers = &mut response["headers"];
                headers["X-Request-Id"] = json!({"$ref": "#/components/headers/X-Request-Id"});
                if status == "201" && LOCATION.contains(&(method.as_str(), path.as_str())) {
                    headers["Location"] = header("The path of what was created");
                }
                if status == "200" && method == "get" && ETAG.contains(&path.as_str()) {
                    headers["ETag"] = header("The entity's version, quoted: send it as `If-Match`");
                }
            }
        }
    }
}
