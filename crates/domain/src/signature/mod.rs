//! Inbound signature schemes (SPEC §5, §5a), and the outbound signatures of SPEC §7.
//!
//! A source's `signature` setting names one [`SignatureScheme`]; [`verify_signature`] checks a
//! request against it, over the exact raw bytes, in constant time, before anything is parsed.
//! Every signature a header lists is tried under every secret given (the current one and those
//! still inside their rotation grace period). All digests are HMAC-SHA256.
//!
//! | scheme      | headers (names match in any case)                                   | signed bytes              | key |
//! |-------------|---------------------------------------------------------------------|---------------------------|-----|
//! | `dealflow`  | `X-DealFlow-Signature: sha256=<hex>`                                 | body                      | secret text |
//! | `typeform`  | `Typeform-Signature: sha256=<base64>`                                | body                      | secret text |
//! | `github`    | `X-Hub-Signature-256: sha256=<hex>`                                  | body                      | secret text |
//! | `shopify`   | `X-Shopify-Hmac-Sha256: <base64>`                                    | body                      | secret text |
//! | `mautic`    | `Webhook-Signature: <base64>`                                        | body                      | secret text |
//! | `stripe`    | `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]` (`v0`, others ignored)  | `{t}.{body}`              | secret text, `whsec_` included |
//! | `calendly`  | `Calendly-Webhook-Signature: t=<unix>,v1=<hex>` (as `stripe`)          | `{t}.{body}`              | secret text (the signing key) |
//! | `standard`  | `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> …` (or `svix-*`) | `{id}.{timestamp}.{body}` | base64 after `whsec_`, else secret text |
//! | `url_token` | query `?access_key=<secret>`, else `Authorization: Bearer <secret>` (no signature; constant-time compare) | — | — |
//!
//! `stripe`, `calendly` and `standard` refuse a timestamp more than the tolerance (default
//! [`DEFAULT_TOLERANCE_SECONDS`]) away from `now`, naming the skew. A digest in the other
//! encoding (hex where base64 is expected, or the reverse) is refused as malformed.
//! [`sign_request`] produces what a sender adds, for tests, `dealflow sign`, the bench and docs.

mod body;
mod compat;
mod error;
mod hmac;
mod request;
mod scheme;
mod sign;
mod standard;
mod stripe;
mod token;

use chrono::{DateTime, Utc};

use body::BodyFormat;

pub use compat::{SignatureError, sign_inbound, sign_mautic, verify_inbound};
pub use error::{Credential, VerifyError};
pub use request::{Headers, InboundRequest};
pub use scheme::{SignatureScheme, UnknownScheme};
pub use sign::{SignedRequest, SigningInput, sign_request};
pub use standard::{KeyError, sign_standard, standard_key};
pub use stripe::sign_stripe;
pub use token::{ACCESS_KEY, access_key_query, verify_access_keys, verify_query, verify_token};

/// How far a signed timestamp may be from the server's clock, either way, by default.
pub const DEFAULT_TOLERANCE_SECONDS: u32 = 300;

/// A source's verification settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SchemeSettings {
    /// The scheme its sender signs with.
    pub scheme: SignatureScheme,
    /// For `stripe`, `calendly` and `standard`: the largest accepted distance, in seconds, between the
    /// signed timestamp and now, in either direction.
    pub tolerance_seconds: u32,
}

impl Default for SchemeSettings {
    fn default() -> Self {
        Self { scheme: SignatureScheme::default(), tolerance_seconds: DEFAULT_TOLERANCE_SECONDS }
    }
}

impl SchemeSettings {
    /// The settings of `scheme` with the default tolerance.
    pub fn new(scheme: SignatureScheme) -> Self {
        Self { scheme, ..Self::default() }
    }
}

/// Verifies `request` under `settings` with any of `secrets` (current first, then those in
/// their grace period), at `now`. Nothing of the body is parsed.
pub fn verify_signature<H, S>(
    settings: &SchemeSettings,
    secrets: &[S],
    request: InboundRequest<'_, H>,
    now: DateTime<Utc>,
) -> Result<(), VerifyError>
where
    H: Headers + ?Sized,
    S: AsRef<str>,
{
    let scheme = settings.scheme;
    let (now, tolerance) = (now.timestamp(), settings.tolerance_seconds);
    let text_keys: Vec<&[u8]> = secrets.iter().map(|secret| secret.as_ref().as_bytes()).collect();
    if text_keys.is_empty() {
        return Err(VerifyError::NoUsableSecret { scheme });
    }
    let (headers, body) = (request.headers, request.body);
    match Method::of(scheme) {
        Method::Body(format) => format.verify(&text_keys, headers, body),
        Method::Stripe => {
            let value = scheme.signature_header().and_then(|name| headers.header(name));
            stripe::verify(scheme, &text_keys, value, body, now, tolerance)
        }
        Method::Standard => standard::verify(&standard_keys(scheme, secrets)?, headers, body, now, tolerance),
        Method::UrlToken => token::verify_token(secrets, request.query, headers),
    }
}

/// How each scheme is checked.
enum Method {
    Body(BodyFormat),
    Stripe,
    Standard,
    UrlToken,
}

impl Method {
    fn of(scheme: SignatureScheme) -> Self {
        match (scheme, BodyFormat::of(scheme)) {
            (_, Some(format)) => Self::Body(format),
            (SignatureScheme::Stripe | SignatureScheme::Calendly, None) => Self::Stripe,
            (SignatureScheme::Standard, None) => Self::Standard,
            (_, None) => Self::UrlToken,
        }
    }
}

/// The Standard Webhooks keys of the secrets; a `whsec_` secret that is not base64 is skipped
/// (it can match nothing), and none usable is the source's problem, not the sender's.
fn standard_keys<S: AsRef<str>>(scheme: SignatureScheme, secrets: &[S]) -> Result<Vec<Vec<u8>>, VerifyError> {
    let keys: Vec<Vec<u8>> = secrets.iter().filter_map(|secret| standard_key(secret.as_ref()).ok()).collect();
    if keys.is_empty() {
        return Err(VerifyError::NoUsableSecret { scheme });
    }
    Ok(keys)
}

#[cfg(test)]
mod tests;
