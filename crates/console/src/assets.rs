//! The console's CSS and JavaScript, embedded in the binary (no front-end build step) and served
//! under `/static/` with a long cache lifetime: their URLs carry a hash of their content, so a
//! new binary's files get new URLs.

use std::sync::LazyLock;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use actix_web::web::{self, Path};
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset { name: "console.css", content_type: "text/css; charset=utf-8", body: include_str!("../static/console.css") },
    Asset {
        name: "console.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../static/console.js"),
    },
];

/// The first 16 hex digits of the SHA-256 of every asset, together: the `?v=` of their URLs
/// and their `ETag`.
pub static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    for asset in ASSETS {
        hasher.update(asset.body.as_bytes());
    }
    hex::encode(&hasher.finalize()[..8])
});

/// Registers `GET /static/{name}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{name}", web::get().to(serve));
}

async fn serve(req: HttpRequest, name: Path<String>) -> HttpResponse {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name.as_str()) else {
        return crate::answers::plain_error(actix_web::http::StatusCode::NOT_FOUND, "no such file");
    };
    let etag = format!("\"{}\"", *VERSION);
    let fresh = req.headers().get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == etag);
    let mut response = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((ETAG, etag))
        .insert_header((CONTENT_TYPE, asset.content_type));
    if fresh { response.finish() } else { response.body(asset.body) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_a_short_hash_of_the_assets() {
        assert_eq!(VERSION.len(), 16);
        assert!(VERSION.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
