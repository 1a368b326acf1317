//! Sources created from a preset, and requests signed the way each sender signs (issue 11), with
//! `domain::signature::sign_request`.

use std::path::Path;

use domain::signature::{SignatureScheme, SigningInput, sign_request};
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::*;

/// A source as created from a preset, with the secret the sender signs with.
pub struct SenderSource {
    pub id: u64,
    pub secret: String,
    pub scheme: SignatureScheme,
}

/// A sender's documented body, made up by us (`crates/domain/tests/fixtures/<name>.json`).
pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/tests/fixtures").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The secret a sender shows for signing, imported into the source as the user would paste it.
pub fn imported_secret(scheme: SignatureScheme) -> Option<&'static str> {
    match scheme {
        SignatureScheme::Stripe => Some("whsec_test_ExampleStripeSigningSecret01"),
        // base64 of "a Standard Webhooks key!"
        SignatureScheme::Standard => Some("whsec_YSBTdGFuZGFyZCBXZWJob29rcyBrZXkh"),
        SignatureScheme::Calendly => Some("calendly-signing-key-example-01"),
        SignatureScheme::Shopify => Some("shpss_example_shopify_app_secret01"),
        _ => None,
    }
}

impl TestApp {
    /// Creates a source from `preset`, importing the sender's secret where the sender issues it.
    pub async fn create_sender_source(&self, preset: &str) -> SenderSource {
        let scheme: SignatureScheme = domain::mapping::presets::find(preset).unwrap().signature.parse().unwrap();
        let mut body = json!({ "name": format!("{preset} sender"), "preset": preset });
        if let Some(secret) = imported_secret(scheme) {
            body["secret"] = json!(secret);
        }
        let created = self.post_ok("/api/sources/new", &body, 201).await;
        assert_eq!(created["source"]["signature"], scheme.name(), "{created}");
        SenderSource {
            id: created["source"]["id"].as_u64().unwrap(),
            secret: created["secret"].as_str().unwrap().to_owned(),
            scheme,
        }
    }

    /// Creates a source with the given settings and answers it with its secret.
    pub async fn create_source_with(&self, settings: Value) -> SenderSource {
        let mut body = json!({ "name": "configured" });
        body.as_object_mut().unwrap().extend(settings.as_object().unwrap().clone());
        let created = self.post_ok("/api/sources/new", &body, 201).await;
        SenderSource {
            id: created["source"]["id"].as_u64().unwrap(),
            secret: created["secret"].as_str().unwrap().to_owned(),
            scheme: created["source"]["signature"].as_str().unwrap().parse().unwrap(),
        }
    }

    /// POSTs `body` signed as the source's sender signs it, now, with `extra` headers.
    pub async fn send_signed(
        &self,
        source: &SenderSource,
        body: &[u8],
        content_type: &str,
        extra: &[(&str, &str)],
    ) -> Response {
        let signed = signed(source, body, chrono::Utc::now().timestamp(), "msg_example_01");
        self.send_with(source.id, body, content_type, &signed.0, signed.1.as_deref(), extra).await
    }

    /// POSTs `body` with exactly these headers and query.
    pub async fn send_with(
        &self,
        source_id: u64,
        body: &[u8],
        content_type: &str,
        headers: &[(String, String)],
        query: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Response {
        let mut url = self.url(&format!("/deal-flow/settings/inbound-webhooks/{source_id}/receive"));
        if let Some(query) = query {
            url = format!("{url}?{query}");
        }
        let mut request = self.client.post(url).header("Content-Type", content_type).body(body.to_vec());
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    /// The number of deals created so far.
    pub fn deals_created(&self) -> usize {
        self.events_of_type("deal.created").len()
    }
}

/// The headers and query that sign `body` for the source's scheme at `timestamp`.
pub fn signed(
    source: &SenderSource,
    body: &[u8],
    timestamp: i64,
    message_id: &str,
) -> (Vec<(String, String)>, Option<String>) {
    let signed = sign_request(source.scheme, &source.secret, body, SigningInput { timestamp, message_id }).unwrap();
    (signed.headers.into_iter().map(|(name, value)| (name.to_owned(), value)).collect(), signed.query)
}
