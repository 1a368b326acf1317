//! Table tests over every scheme through [`verify_signature`]: what a real sender produces
//! passes; a wrong secret, a changed body, a missing header, a digest in the other encoding and
//! a stale timestamp are refused with a message naming the header and the scheme.

use chrono::{DateTime, Utc};

use super::hmac::{Encoding, digest};
use super::*;

const BODY: &[u8] = br#"{"title":"Acme Corp - Enterprise Plan","amount":15000}"#;
const SECRET: &str = "current-secret";
const GRACE: &str = "previous-secret";
const SENT_AT: i64 = 1_780_000_000;
const MESSAGE_ID: &str = "msg_2mQx1";

type Pairs = Vec<(String, String)>;

fn at(unix: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix, 0).unwrap()
}

/// What a sender that knows `secret` sends: headers and query.
fn sent_with(scheme: SignatureScheme, secret: &str) -> (Pairs, String) {
    let input = SigningInput { timestamp: SENT_AT, message_id: MESSAGE_ID };
    let signed = sign_request(scheme, secret, BODY, input).unwrap();
    let headers = signed.headers.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
    (headers, signed.query.unwrap_or_default())
}

fn check(
    scheme: SignatureScheme,
    secrets: &[&str],
    sent: &(Pairs, String),
    body: &[u8],
    now: i64,
) -> Result<(), VerifyError> {
    let request = InboundRequest { headers: sent.0.as_slice(), query: &sent.1, body };
    verify_signature(&SchemeSettings::new(scheme), secrets, request, at(now))
}

fn reason(result: Result<(), VerifyError>) -> &'static str {
    result.err().map_or("ok", |error| error.reason())
}

#[test]
fn every_scheme_accepts_what_its_sender_sends_under_the_current_or_the_grace_secret() {
    for scheme in SignatureScheme::ALL {
        let current = sent_with(scheme, SECRET);
        assert_eq!(check(scheme, &[SECRET, GRACE], &current, BODY, SENT_AT), Ok(()), "{scheme} current");
        let previous = sent_with(scheme, GRACE);
        assert_eq!(check(scheme, &[SECRET, GRACE], &previous, BODY, SENT_AT), Ok(()), "{scheme} grace");
        assert_eq!(reason(check(scheme, &[SECRET], &previous, BODY, SENT_AT)), "mismatch", "{scheme} expired");
    }
}

#[test]
fn every_scheme_refuses_a_wrong_secret_with_the_header_and_scheme_and_no_digest() {
    for scheme in SignatureScheme::ALL {
        let forged = sent_with(scheme, "guessed-secret");
        let error = check(scheme, &[SECRET, GRACE], &forged, BODY, SENT_AT).unwrap_err();
        let message = error.to_string();
        assert_eq!(error.reason(), "mismatch", "{scheme}");
        let expected = scheme.signature_header().unwrap_or("access_key");
        assert!(message.contains(expected) && message.contains(&format!("the {scheme} signature scheme")), "{message}");
        let right = sent_with(scheme, SECRET);
        assert!(right.0.iter().all(|(_, value)| !message.contains(value.as_str())), "{message}");
        assert!(!message.contains(SECRET) && !message.contains("guessed-secret"), "{message}");
    }
}

#[test]
fn every_signing_scheme_refuses_a_changed_body() {
    for scheme in SignatureScheme::ALL.into_iter().filter(|scheme| *scheme != SignatureScheme::UrlToken) {
        let sent = sent_with(scheme, SECRET);
        let changed = [BODY, b" "].concat();
        assert_eq!(reason(check(scheme, &[SECRET], &sent, &changed, SENT_AT)), "mismatch", "{scheme}");
    }
}

#[test]
fn every_scheme_refuses_each_missing_header_naming_it() {
    for scheme in SignatureScheme::ALL {
        let (headers, _) = sent_with(scheme, SECRET);
        // url_token's credential is the query, sent here as empty: one case with nothing to drop.
        for dropped in 0..headers.len().max(1) {
            let mut headers = headers.clone();
            let name = if headers.is_empty() { "access_key".to_owned() } else { headers.remove(dropped).0 };
            let error = check(scheme, &[SECRET], &(headers, String::new()), BODY, SENT_AT).unwrap_err();
            assert_eq!(error.reason(), "missing", "{scheme} without {name}");
            assert!(error.to_string().starts_with(&format!("the {name} ")), "{error}");
        }
    }
}

#[test]
fn header_names_are_matched_in_any_case() {
    for scheme in SignatureScheme::ALL {
        let (headers, query) = sent_with(scheme, SECRET);
        let shouted = headers.into_iter().map(|(name, value)| (name.to_uppercase(), value)).collect();
        assert_eq!(check(scheme, &[SECRET], &(shouted, query), BODY, SENT_AT), Ok(()), "{scheme}");
    }
}

/// The right digest, written in the encoding the scheme does not use.
fn in_the_other_encoding(scheme: SignatureScheme) -> Pairs {
    let key = SECRET.as_bytes();
    let (hex, base64) = (Encoding::Hex, Encoding::Base64);
    let body_digest = digest(key, &[BODY]);
    let ts = SENT_AT.to_string();
    let pairs: Vec<(&str, String)> = match scheme {
        SignatureScheme::Dealflow => vec![("X-DealFlow-Signature", format!("sha256={}", base64.encode(&body_digest)))],
        SignatureScheme::Typeform => vec![("Typeform-Signature", format!("sha256={}", hex.encode(&body_digest)))],
        SignatureScheme::Github => vec![("X-Hub-Signature-256", format!("sha256={}", base64.encode(&body_digest)))],
        SignatureScheme::Shopify => vec![("X-Shopify-Hmac-Sha256", hex.encode(&body_digest))],
        SignatureScheme::Mautic => vec![("Webhook-Signature", hex.encode(&body_digest))],
        SignatureScheme::Stripe | SignatureScheme::Calendly => {
            let digest = digest(key, &[ts.as_bytes(), b".", BODY]);
            let header = scheme.signature_header().unwrap_or_default();
            vec![(header, format!("t={ts},v1={}", base64.encode(&digest)))]
        }
        SignatureScheme::Standard | SignatureScheme::UrlToken => {
            let digest = digest(key, &[MESSAGE_ID.as_bytes(), b".", ts.as_bytes(), b".", BODY]);
            let signature = format!("v1,{}", hex.encode(&digest));
            vec![("webhook-id", MESSAGE_ID.to_owned()), ("webhook-timestamp", ts), ("webhook-signature", signature)]
        }
    };
    pairs.into_iter().map(|(name, value)| (name.to_owned(), value)).collect()
}

#[test]
fn every_signing_scheme_refuses_the_right_digest_in_the_other_encoding() {
    for scheme in SignatureScheme::ALL.into_iter().filter(|scheme| *scheme != SignatureScheme::UrlToken) {
        let sent = (in_the_other_encoding(scheme), String::new());
        let error = check(scheme, &[SECRET], &sent, BODY, SENT_AT).unwrap_err();
        assert_eq!(error.reason(), "malformed", "{scheme}: {error}");
    }
}

#[test]
fn timestamped_schemes_refuse_stale_requests_both_ways_and_others_ignore_the_clock() {
    for scheme in SignatureScheme::ALL {
        let sent = sent_with(scheme, SECRET);
        for (now, skew) in [(SENT_AT + 301, "301 s behind"), (SENT_AT - 301, "301 s ahead of")] {
            let result = check(scheme, &[SECRET], &sent, BODY, now);
            if scheme.has_timestamp() {
                let message = result.unwrap_err().to_string();
                assert!(message.contains(skew) && message.contains("300 s tolerance"), "{scheme}: {message}");
            } else {
                assert_eq!(result, Ok(()), "{scheme}");
            }
        }
        assert_eq!(check(scheme, &[SECRET], &sent, BODY, SENT_AT + 300), Ok(()), "{scheme} at the edge");
    }
}

#[test]
fn the_tolerance_is_configurable() {
    let sent = sent_with(SignatureScheme::Stripe, SECRET);
    let request = InboundRequest { headers: sent.0.as_slice(), query: "", body: BODY };
    let strict = SchemeSettings { scheme: SignatureScheme::Stripe, tolerance_seconds: 10 };
    let stale = verify_signature(&strict, &[SECRET], request, at(SENT_AT + 11)).unwrap_err();
    assert!(stale.to_string().contains("11 s behind this server's clock, outside the 10 s tolerance"), "{stale}");
    let lenient = SchemeSettings { scheme: SignatureScheme::Stripe, tolerance_seconds: 600 };
    assert_eq!(verify_signature(&lenient, &[SECRET], request, at(SENT_AT + 400)), Ok(()));
}

#[test]
fn a_header_listing_several_signatures_passes_when_any_one_matches() {
    let stale_secret_v1 = sign_stripe(b"old-endpoint-secret", SENT_AT, BODY);
    let good_v1 = sign_stripe(SECRET.as_bytes(), SENT_AT, BODY);
    let stripe = format!("{stale_secret_v1},{}", good_v1.trim_start_matches(&format!("t={SENT_AT},")));
    let sent = (vec![("Stripe-Signature".to_owned(), stripe)], String::new());
    assert_eq!(check(SignatureScheme::Stripe, &[SECRET], &sent, BODY, SENT_AT), Ok(()));

    let other = sign_standard(b"rotated-away", MESSAGE_ID, SENT_AT, BODY);
    let good = sign_standard(SECRET.as_bytes(), MESSAGE_ID, SENT_AT, BODY);
    let (mut headers, _) = sent_with(SignatureScheme::Standard, SECRET);
    headers.retain(|(name, _)| name != "webhook-signature");
    headers.push(("webhook-signature".to_owned(), format!("v1,{} {other} {good}", "A".repeat(44))));
    assert_eq!(check(SignatureScheme::Standard, &[SECRET], &(headers, String::new()), BODY, SENT_AT), Ok(()));
}

#[test]
fn a_whsec_secret_keys_standard_with_its_decoded_bytes() {
    // python3 -c 'import hmac,hashlib,base64; print(base64.b64encode(hmac.new(base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), b"msg_2mQx1.1780000000.{\"title\":\"Acme Corp - Enterprise Plan\",\"amount\":15000}", hashlib.sha256).digest()).decode())'
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let (headers, _) = sent_with(SignatureScheme::Standard, secret);
    let signature = headers.iter().find(|(name, _)| name == "webhook-signature").map(|(_, value)| value.as_str());
    assert_eq!(signature, Some("v1,Q3OQrlJtHne8/58y3gx4YEq9jQ3oDmP3hnNcbMChEvM="));
    assert_eq!(check(SignatureScheme::Standard, &[secret], &(headers, String::new()), BODY, SENT_AT), Ok(()));
}

#[test]
fn a_source_without_a_usable_secret_is_refused_as_its_own_problem() {
    for scheme in SignatureScheme::ALL {
        let sent = sent_with(scheme, SECRET);
        assert_eq!(reason(check(scheme, &[], &sent, BODY, SENT_AT)), "no_secret", "{scheme}");
    }
    let sent = sent_with(SignatureScheme::Standard, SECRET);
    assert_eq!(reason(check(SignatureScheme::Standard, &["whsec_%%%"], &sent, BODY, SENT_AT)), "no_secret");
    assert_eq!(check(SignatureScheme::Standard, &["whsec_%%%", SECRET], &sent, BODY, SENT_AT), Ok(()));
}
