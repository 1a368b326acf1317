//! HMAC-SHA256 signatures: the inbound `X-DealFlow-Signature` check and the two outbound
//! formats (Mautic's `Webhook-Signature` and Standard Webhooks' `webhook-signature`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why an inbound signature was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the X-DealFlow-Signature header is missing")]
    Missing,
    #[error("the signature must have the form sha256=<64 hex digits>")]
    Malformed,
    #[error("the signature does not match the body")]
    Mismatch,
}

fn mac(secret: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of every length, so this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

/// The `X-DealFlow-Signature` value for a body: `sha256=<hex HMAC-SHA256>`.
pub fn sign_inbound(secret: &[u8], body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks an `X-DealFlow-Signature` header against the raw body, in constant time.
pub fn verify_inbound(secret: &[u8], body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?.trim();
    let digest = header.strip_prefix("sha256=").ok_or(SignatureError::Malformed)?;
    if digest.len() != 64 {
        return Err(SignatureError::Malformed);
    }
    let expected = hex::decode(digest).map_err(|_| SignatureError::Malformed)?;
    let mut mac = mac(secret);
    mac.update(body);
    mac.verify_slice(&expected).map_err(|_| SignatureError::Mismatch)
}

/// Mautic's `Webhook-Signature`: base64 of HMAC-SHA256 over the raw body.
pub fn sign_mautic(secret: &[u8], body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(body);
    BASE64.encode(mac.finalize().into_bytes())
}

/// Standard Webhooks' `webhook-signature`: `v1,` and base64 of HMAC-SHA256 over
/// `{id}.{timestamp}.{body}`, keyed with the secret's bytes.
pub fn sign_standard(secret: &[u8], webhook_id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(webhook_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_an_independent_hmac_implementation() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"s3cret", b"{\"title\":\"x\"}", hashlib.sha256).hexdigest())'
        // (PHP's hash_hmac and Node's createHmac produce the same digest.)
        assert_eq!(
            sign_inbound(b"s3cret", br#"{"title":"x"}"#),
            "sha256=fc0f04f7f2795fb607921534af01947d7e95251a4e20807d3a339caae4860d54"
        );
        assert_eq!(sign_mautic(b"s3cret", br#"{"title":"x"}"#), "/A8E9/J5X7YHkhU0rwGUfX6VJRpOIIB9OjOcquSGDVQ=");
    }

    #[test]
    fn verification_refuses_every_malformed_or_wrong_header() {
        let body = b"{}";
        let good = sign_inbound(b"k", body);
        assert_eq!(verify_inbound(b"k", body, Some(&good)), Ok(()));
        assert_eq!(verify_inbound(b"k", body, None), Err(SignatureError::Missing));
        assert_eq!(verify_inbound(b"k", body, Some(&good.replace("sha256=", "sha1="))), Err(SignatureError::Malformed));
        assert_eq!(verify_inbound(b"k", body, Some(&"sha256=zz".repeat(8))), Err(SignatureError::Malformed));
        assert_eq!(verify_inbound(b"other", body, Some(&good)), Err(SignatureError::Mismatch));
        assert_eq!(verify_inbound(b"k", b"{ }", Some(&good)), Err(SignatureError::Mismatch));
    }

    #[test]
    fn standard_signature_matches_the_published_test_vector() {
        // From the Standard Webhooks specification's test vectors: the key is the base64 part of
        // the `whsec_` secret, decoded.
        let key = BASE64.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = sign_standard(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
