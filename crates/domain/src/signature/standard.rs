//! Standard Webhooks (<https://www.standardwebhooks.com>, used by Svix senders): `webhook-id`,
//! `webhook-timestamp` and `webhook-signature: v1,<base64> [v1,<base64> …]`, an HMAC-SHA256 of
//! `"{id}.{timestamp}.{body}"`. Unbranded Svix senders use the same headers prefixed `svix-`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::error::{Credential, VerifyError, check_skew};
use super::hmac::{self, Encoding};
use super::stripe::parse_unix_seconds;
use super::{Headers, SignatureScheme};

const SCHEME: SignatureScheme = SignatureScheme::Standard;
const SECRET_PREFIX: &str = "whsec_";

/// A `whsec_` secret whose remainder is not base64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the secret starts with whsec_ but the rest is not base64; paste the sender's signing secret exactly as shown")]
pub struct KeyError;

/// The HMAC key of a Standard Webhooks secret: the base64-decoded text after `whsec_`, or the
/// secret's own bytes when it has no `whsec_` prefix (a secret dealflow generated).
pub fn standard_key(secret: &str) -> Result<Vec<u8>, KeyError> {
    match secret.strip_prefix(SECRET_PREFIX) {
        Some(encoded) => BASE64.decode(encoded.trim()).map_err(|_| KeyError),
        None => Ok(secret.as_bytes().to_vec()),
    }
}

/// Standard Webhooks' `webhook-signature`: `v1,` and base64 of HMAC-SHA256 over
/// `{id}.{timestamp}.{body}`, keyed with `key` (see [`standard_key`]).
pub fn sign_standard(key: &[u8], webhook_id: &str, timestamp: i64, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    let digest = hmac::digest(key, &[webhook_id.as_bytes(), b".", timestamp.as_bytes(), b".", body]);
    format!("v1,{}", Encoding::Base64.encode(&digest))
}

/// The three header names one sender uses.
struct HeaderNames {
    id: &'static str,
    timestamp: &'static str,
    signature: &'static str,
}

const WEBHOOK: HeaderNames =
    HeaderNames { id: "webhook-id", timestamp: "webhook-timestamp", signature: "webhook-signature" };
const SVIX: HeaderNames = HeaderNames { id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature" };

/// Checks the three headers: any `v1` signature under any key over `"{id}.{timestamp}.{body}"`,
/// then the timestamp within `tolerance_seconds` of `now` (unix seconds).
pub(crate) fn verify<H, K>(
    keys: &[K],
    headers: &H,
    body: &[u8],
    now: i64,
    tolerance_seconds: u32,
) -> Result<(), VerifyError>
where
    H: Headers + ?Sized,
    K: AsRef<[u8]>,
{
    let names = if headers.header(WEBHOOK.signature).is_none() && headers.header(SVIX.signature).is_some() {
        &SVIX
    } else {
        &WEBHOOK
    };
    let id = required(headers, names.id)?;
    let timestamp_text = required(headers, names.timestamp)?;
    let signatures = required(headers, names.signature)?;
    let timestamp = parse_unix_seconds(timestamp_text)
        .ok_or_else(|| malformed(names.timestamp, "expected unix seconds as plain digits"))?;
    let candidates = v1_signatures(signatures).map_err(|problem| malformed(names.signature, problem))?;
    let signed = [id.as_bytes(), b".", timestamp_text.as_bytes(), b".", body];
    if !hmac::matches_any(keys, &signed, &candidates) {
        return Err(VerifyError::Mismatch { scheme: SCHEME, expected: Credential::Header(names.signature) });
    }
    check_skew(SCHEME, Credential::Header(names.timestamp), timestamp, now, tolerance_seconds)
}

fn required<'h, H: Headers + ?Sized>(headers: &'h H, name: &'static str) -> Result<&'h str, VerifyError> {
    let value = headers.header(name).map(str::trim);
    value.ok_or(VerifyError::Missing { scheme: SCHEME, expected: Credential::Header(name) })
}

fn malformed(name: &'static str, problem: &'static str) -> VerifyError {
    VerifyError::Malformed { scheme: SCHEME, expected: Credential::Header(name), problem }
}

/// The decoded `v1` digests of a space-separated `webhook-signature` list; other versions are
/// ignored. A list with no decodable `v1` entry is malformed.
fn v1_signatures(list: &str) -> Result<Vec<Vec<u8>>, &'static str> {
    let v1: Vec<&str> = list
        .split_whitespace()
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == "v1")
        .map(|(_, signature)| signature)
        .collect();
    let decoded: Vec<Vec<u8>> = v1.iter().filter_map(|signature| Encoding::Base64.decode(signature).ok()).collect();
    if decoded.is_empty() {
        return Err("expected v1,<44 characters of padded base64>, several separated by spaces");
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_published_test_vector() {
        // From the Standard Webhooks specification's test vectors: the key is the base64 part of
        // the `whsec_` secret, decoded.
        let key = standard_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = sign_standard(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_whsec_secret_is_decoded_and_any_other_secret_is_used_as_text() {
        // python3 -c 'import base64; print(list(base64.b64decode("c2VjcmV0LWJ5dGVz")))' → b"secret-bytes"
        assert_eq!(standard_key("whsec_c2VjcmV0LWJ5dGVz"), Ok(b"secret-bytes".to_vec()));
        assert_eq!(standard_key("c2VjcmV0LWJ5dGVz"), Ok(b"c2VjcmV0LWJ5dGVz".to_vec()));
        assert_eq!(standard_key("whsec_not base64!"), Err(KeyError));
    }

    #[test]
    fn unbranded_svix_headers_are_accepted() {
        let signature = sign_standard(b"k", "msg_1", 1_000, b"{}");
        let headers = [("svix-id", "msg_1"), ("svix-timestamp", "1000"), ("svix-signature", signature.as_str())];
        assert_eq!(verify(&[b"k"], headers.as_slice(), b"{}", 1_000, 300), Ok(()));
    }

    #[test]
    fn other_versions_are_ignored_and_a_list_without_v1_is_malformed() {
        let good = sign_standard(b"k", "msg_1", 1_000, b"{}");
        let list = format!("v1a,abc v2,{} {good}", &good[3..]);
        assert_eq!(v1_signatures(&list).map(|found| found.len()), Ok(1));
        assert!(v1_signatures(&format!("v2,{}", &good[3..])).is_err());
        assert!(v1_signatures("").is_err());
    }
}
