//! Stripe's `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, an HMAC-SHA256 of `"{t}.{body}"`
//! (Stripe's "Verify signatures manually"). The key is the whole `whsec_…` secret's text, as
//! Stripe's own libraries use it; `v0` and unknown elements are ignored. Calendly signs the same
//! way under `Calendly-Webhook-Signature` (its "Webhook signatures" guide), so both schemes
//! share this module; the scheme names the header.

use super::SignatureScheme;
use super::error::{Credential, VerifyError, check_skew};
use super::hmac::{self, Encoding};

/// Where `scheme` (`stripe` or `calendly`) carries its signature.
fn expected(scheme: SignatureScheme) -> Credential {
    Credential::Header(scheme.signature_header().unwrap_or("Stripe-Signature"))
}

/// The `Stripe-Signature` value that signs `body` at `timestamp` (unix seconds) with `secret`.
pub fn sign_stripe(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    let digest = hmac::digest(secret, &[timestamp.as_bytes(), b".", body]);
    format!("t={timestamp},v1={}", Encoding::Hex.encode(&digest))
}

/// The timestamp as signed, and the `v1` values, from a `Stripe-Signature` value.
struct Parsed<'a> {
    timestamp_text: &'a str,
    timestamp: i64,
    signatures: Vec<&'a str>,
}

fn parse(scheme: SignatureScheme, value: &str) -> Result<Parsed<'_>, VerifyError> {
    let malformed = |problem| VerifyError::Malformed { scheme, expected: expected(scheme), problem };
    let elements = value.split(',').filter_map(|element| element.trim().split_once('='));
    let (mut timestamp_text, mut signatures) = (None, Vec::new());
    for (key, item) in elements {
        match key {
            "t" if timestamp_text.is_none() => timestamp_text = Some(item),
            "v1" => signatures.push(item),
            _ => {}
        }
    }
    let timestamp_text = timestamp_text.ok_or_else(|| malformed("expected t=<unix seconds>"))?;
    let timestamp = parse_unix_seconds(timestamp_text).ok_or_else(|| malformed("expected t=<unix seconds>"))?;
    if signatures.is_empty() {
        return Err(malformed("expected at least one v1=<64 hex digits>"));
    }
    Ok(Parsed { timestamp_text, timestamp, signatures })
}

/// Unix seconds written as plain digits, as the senders write them.
pub(crate) fn parse_unix_seconds(text: &str) -> Option<i64> {
    let digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}

/// Checks a `Stripe-Signature` (or `Calendly-Webhook-Signature`) value: any `v1` under any key
/// over `"{t}.{body}"`, then `t` within `tolerance_seconds` of `now` (unix seconds).
pub(crate) fn verify<K: AsRef<[u8]>>(
    scheme: SignatureScheme,
    keys: &[K],
    value: Option<&str>,
    body: &[u8],
    now: i64,
    tolerance_seconds: u32,
) -> Result<(), VerifyError> {
    let expected = expected(scheme);
    let value = value.ok_or(VerifyError::Missing { scheme, expected })?;
    let parsed = parse(scheme, value)?;
    // A v1 that is not hex (base64, say) can never match; when none is hex the header is malformed.
    let candidates: Vec<Vec<u8>> = parsed.signatures.iter().filter_map(|v1| Encoding::Hex.decode(v1).ok()).collect();
    if candidates.is_empty() {
        let problem = "expected v1=<64 hex digits>";
        return Err(VerifyError::Malformed { scheme, expected, problem });
    }
    let signed = [parsed.timestamp_text.as_bytes(), b".", body];
    if !hmac::matches_any(keys, &signed, &candidates) {
        return Err(VerifyError::Mismatch { scheme, expected });
    }
    check_skew(scheme, expected, parsed.timestamp, now, tolerance_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEME: SignatureScheme = SignatureScheme::Stripe;
    const BODY: &[u8] = br#"{"id":"evt_1"}"#;

    #[test]
    fn the_signature_matches_an_independent_hmac_over_timestamp_dot_body() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_test", b"1700000000.{\"id\":\"evt_1\"}", hashlib.sha256).hexdigest())'
        assert_eq!(
            sign_stripe(b"whsec_test", 1_700_000_000, BODY),
            "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925"
        );
    }

    #[test]
    fn v0_and_unknown_elements_are_ignored_and_any_v1_may_match() {
        let good = sign_stripe(b"k", 1_000, BODY);
        let v1 = good.split_once(",v1=").map(|(_, v1)| v1).unwrap_or_default();
        let header = format!("t=1000, v0={v1}, v1={}, scheme=x, v1={v1}", "0".repeat(64));
        assert_eq!(verify(SCHEME, &[b"k"], Some(&header), BODY, 1_000, 300), Ok(()));
    }

    #[test]
    fn calendly_signs_as_stripe_does_under_its_own_header() {
        let value = sign_stripe(b"k", 1_000, BODY);
        let calendly = SignatureScheme::Calendly;
        assert_eq!(verify(calendly, &[b"k"], Some(&value), BODY, 1_000, 300), Ok(()));
        let missing = verify(calendly, &[b"k"], None, BODY, 1_000, 300).unwrap_err();
        assert!(missing.to_string().starts_with("the Calendly-Webhook-Signature header is missing"), "{missing}");
    }

    #[test]
    fn a_header_without_timestamp_or_v1_is_malformed() {
        for header in ["v1=00", "t=1000", "t=soon,v1=00", "t=-5,v1=00", "garbage"] {
            let error = verify(SCHEME, &[b"k"], Some(header), BODY, 1_000, 300).unwrap_err();
            assert_eq!(error.reason(), "malformed", "{header}");
        }
    }
}
