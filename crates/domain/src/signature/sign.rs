//! What a sender adds to a request so that it passes a scheme: for tests, `dealflow sign`, the
//! bench and the docs' curl lines.

use super::standard::{KeyError, sign_standard, standard_key};
use super::stripe::sign_stripe;
use super::token::access_key_query;
use super::{Method, SignatureScheme};

/// The values a signed request carries besides the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningInput<'a> {
    /// When the request is sent, in unix seconds (used by `stripe`, `calendly` and `standard`).
    pub timestamp: i64,
    /// The delivery's id (`webhook-id`; used by `standard`).
    pub message_id: &'a str,
}

/// The headers, in the scheme's documented spelling, and the query string (without `?`) that
/// make a request with this body pass the scheme.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignedRequest {
    pub headers: Vec<(&'static str, String)>,
    pub query: Option<String>,
}

/// Signs `body` for `scheme` with `secret` (as a source stores it: text, or `whsec_…` for
/// `standard`). Fails only for a `whsec_` secret that is not base64 under `standard`.
pub fn sign_request(
    scheme: SignatureScheme,
    secret: &str,
    body: &[u8],
    input: SigningInput<'_>,
) -> Result<SignedRequest, KeyError> {
    let key = secret.as_bytes();
    let signed = match Method::of(scheme) {
        Method::Body(format) => headers([(format.header(), format.sign(key, body))]),
        Method::Stripe => {
            let header = scheme.signature_header().unwrap_or("Stripe-Signature");
            headers([(header, sign_stripe(key, input.timestamp, body))])
        }
        Method::Standard => {
            let signature = sign_standard(&standard_key(secret)?, input.message_id, input.timestamp, body);
            headers([
                ("webhook-id", input.message_id.to_owned()),
                ("webhook-timestamp", input.timestamp.to_string()),
                ("webhook-signature", signature),
            ])
        }
        Method::UrlToken => SignedRequest { headers: Vec::new(), query: Some(access_key_query(secret)) },
    };
    Ok(signed)
}

fn headers<const N: usize>(pairs: [(&'static str, String); N]) -> SignedRequest {
    SignedRequest { headers: pairs.into(), query: None }
}
