//! The single-scheme API that predates [`SignatureScheme`](super::SignatureScheme): the
//! `X-DealFlow-Signature` check the inbound route calls, and the outbound Mautic signature.
//! Thin wrappers over the `dealflow` and `mautic` body schemes.

use super::SignatureScheme;
use super::body::BodyFormat;
use super::error::VerifyError;

/// Why an inbound `X-DealFlow-Signature` was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the X-DealFlow-Signature header is missing")]
    Missing,
    #[error("the signature must have the form sha256=<64 hex digits>")]
    Malformed,
    #[error("the signature does not match the body")]
    Mismatch,
}

fn format(scheme: SignatureScheme) -> BodyFormat {
    BodyFormat::of(scheme).unwrap_or_else(|| unreachable!("{scheme} signs the body alone"))
}

/// The `X-DealFlow-Signature` value for a body: `sha256=<hex HMAC-SHA256>`.
pub fn sign_inbound(secret: &[u8], body: &[u8]) -> String {
    format(SignatureScheme::Dealflow).sign(secret, body)
}

/// Checks an `X-DealFlow-Signature` header against the raw body, in constant time.
pub fn verify_inbound(secret: &[u8], body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
    format(SignatureScheme::Dealflow).verify_value(&[secret], header, body).map_err(|error| match error {
        VerifyError::Missing { .. } => SignatureError::Missing,
        VerifyError::Malformed { .. } => SignatureError::Malformed,
        _ => SignatureError::Mismatch,
    })
}

/// Mautic's `Webhook-Signature`: base64 of HMAC-SHA256 over the raw body.
pub fn sign_mautic(secret: &[u8], body: &[u8]) -> String {
    format(SignatureScheme::Mautic).sign(secret, body)
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
}
