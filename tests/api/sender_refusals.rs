//! Issue 11, "Must show": every signature scheme refuses a wrong signature, a missing header, a
//! stale timestamp (the timestamped schemes) and the right digest in the other encoding, with
//! 403 naming the scheme and the expected credential, and nothing stored.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use domain::signature::SignatureScheme;
use serde_json::json;

use crate::helpers::*;
use crate::sender_helpers::*;

const BODY: &[u8] = br#"{"title": "Signed by the book", "contact": {"email": "jane.doe@example.com"}}"#;

/// The right digest rewritten in the encoding the scheme does not use (hex for base64 and the
/// reverse); `None` for `url_token`, which has no digest.
fn in_the_other_encoding(scheme: SignatureScheme, value: &str) -> Option<String> {
    let (prefix, digest) = match scheme {
        SignatureScheme::UrlToken => return None,
        SignatureScheme::Stripe | SignatureScheme::Calendly => value.split_at(value.find("v1=")? + 3),
        SignatureScheme::Standard => value.split_at(3),
        _ if value.starts_with("sha256=") => value.split_at(7),
        _ => ("", value),
    };
    let flipped = match hex::decode(digest) {
        Ok(bytes) => BASE64.encode(bytes),
        Err(_) => hex::encode(BASE64.decode(digest).ok()?),
    };
    Some(format!("{prefix}{flipped}"))
}

/// One way to get the credential wrong: (case, headers, query).
type Refusal = (String, Vec<(String, String)>, Option<String>);

/// Every way to get the credential wrong for `scheme`.
fn refusals(source: &SenderSource, other_secret: &str) -> Vec<Refusal> {
    let now = chrono::Utc::now().timestamp();
    let (headers, query) = signed(source, BODY, now, "msg_refused");
    let forger = SenderSource { id: source.id, secret: other_secret.to_owned(), scheme: source.scheme };
    let (forged_headers, forged_query) = signed(&forger, BODY, now, "msg_refused");
    let mut cases = vec![
        ("wrong signature".to_owned(), forged_headers, forged_query),
        ("missing header".to_owned(), Vec::new(), None),
    ];
    if source.scheme.has_timestamp() {
        let (stale, _) = signed(source, BODY, now - 3_600, "msg_refused");
        cases.push(("stale timestamp".to_owned(), stale, None));
    }
    let header = source.scheme.signature_header();
    let flipped: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| match Some(name.as_str()) == header {
            true => (name.clone(), in_the_other_encoding(source.scheme, value).unwrap_or_default()),
            false => (name.clone(), value.clone()),
        })
        .collect();
    if source.scheme != SignatureScheme::UrlToken {
        cases.push(("other encoding".to_owned(), flipped, query));
    }
    cases
}

#[tokio::test]
async fn every_scheme_refuses_every_bad_credential_with_403_naming_it_and_stores_nothing() {
    let app = spawn_app().await;
    for scheme in SignatureScheme::ALL {
        let mut settings = json!({ "signature": scheme.name() });
        if let Some(secret) = imported_secret(scheme) {
            settings["secret"] = json!(secret);
        }
        let source = app.create_source_with(settings).await;
        let other_secret = match scheme {
            SignatureScheme::Standard => "whsec_b3RoZXIgU3RhbmRhcmQgV2ViaG9va3Mga2V5",
            _ => "another-secret-entirely",
        };
        let head = app.head();

        for (case, headers, query) in refusals(&source, other_secret) {
            let response = app.send_with(source.id, BODY, "application/json", &headers, query.as_deref(), &[]).await;
            let error = error_body(response, 403).await;
            let message = error["message"].as_str().unwrap_or_default();
            assert_eq!(error["details"]["scheme"], scheme.name(), "{scheme} {case}: {error}");
            assert!(message.contains(&format!("the {scheme} signature scheme")), "{scheme} {case}: {message}");
            // Standard Webhooks names whichever of its three webhook-* headers is at fault.
            let credential = match scheme {
                SignatureScheme::Standard => "webhook-",
                _ => scheme.signature_header().unwrap_or("access_key"),
            };
            assert!(message.to_lowercase().contains(&credential.to_lowercase()), "{scheme} {case}: {message}");
            if case == "stale timestamp" {
                // Signed an hour ago; a loaded machine may take a few seconds to send it.
                let behind = message.split(" s behind").next().and_then(|m| m.rsplit(' ').next());
                let behind: Option<i64> = behind.and_then(|seconds| seconds.parse().ok());
                assert!(behind.is_some_and(|s| (3600..3660).contains(&s)), "{scheme}: {message}");
            }
        }
        assert_eq!(app.head(), head, "{scheme}: a refused request stores nothing");

        let accepted = app.send_signed(&source, BODY, "application/json", &[]).await;
        assert_eq!(accepted.status(), 201, "{scheme}: the same request signed right is accepted");
    }
}

#[tokio::test]
async fn a_tolerance_set_on_the_source_widens_the_window() {
    let app = spawn_app().await;
    let source = app.create_source_with(json!({ "signature": "stripe", "tolerance_seconds": 7200 })).await;
    let (headers, _) = signed(&source, BODY, chrono::Utc::now().timestamp() - 3_600, "msg");

    let response = app.send_with(source.id, BODY, "application/json", &headers, None, &[]).await;

    assert_eq!(response.status(), 201);
}
