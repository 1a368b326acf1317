//! The baseline: a bare actix-web handler that only verifies the HMAC and parses the JSON.

use actix_web::web::{self, Bytes};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};
use clap::Args;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Debug, Args)]
pub struct BareArgs {
    #[arg(long)]
    port: u16,
    #[arg(long)]
    secret: String,
}

/// Serves until killed.
pub fn serve(args: BareArgs) -> anyhow::Result<()> {
    let secret = web::Data::new(args.secret);
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            App::new()
                .app_data(secret.clone())
                .route("/health", web::get().to(|| async { HttpResponse::Ok().body("ok") }))
                .route("/receive", web::post().to(receive))
        })
        .bind(("127.0.0.1", args.port))?
        .run()
        .await
    })?;
    Ok(())
}

async fn receive(secret: web::Data<String>, req: HttpRequest, body: Bytes) -> HttpResponse {
    let header = req.headers().get("X-DealFlow-Signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Some(expected) = header.strip_prefix("sha256=").and_then(|h| hex::decode(h).ok()) else {
        return HttpResponse::Forbidden().finish();
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return HttpResponse::InternalServerError().finish();
    };
    mac.update(&body);
    if mac.verify_slice(&expected).is_err() {
        return HttpResponse::Forbidden().finish();
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(serde_json::Value::Object(_)) => HttpResponse::Ok().content_type("application/json").body(r#"{"ok":true}"#),
        _ => HttpResponse::BadRequest().finish(),
    }
}
