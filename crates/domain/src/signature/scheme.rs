//! The names of the inbound signature schemes, parsed once from a source's `signature` setting.

use std::fmt;
use std::str::FromStr;

/// How a source's sender proves a request is theirs. Parsed from the source's `signature`
/// setting; the default, `dealflow`, is SPEC §5's `X-DealFlow-Signature`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum SignatureScheme {
    /// `X-DealFlow-Signature: sha256=<hex>` over the body (SPEC §5).
    #[default]
    Dealflow,
    /// `Typeform-Signature: sha256=<base64>` over the body.
    Typeform,
    /// `X-Hub-Signature-256: sha256=<hex>` over the body.
    Github,
    /// `X-Shopify-Hmac-Sha256: <base64>` over the body.
    Shopify,
    /// `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]` over `"{t}.{body}"`.
    Stripe,
    /// `Calendly-Webhook-Signature: t=<unix>,v1=<hex>` over `"{t}.{body}"`, as `stripe`.
    Calendly,
    /// `Webhook-Signature: <base64>` over the body, as Mautic signs its outbound webhooks.
    Mautic,
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> …`
    /// over `"{id}.{timestamp}.{body}"`.
    Standard,
    /// No signature: an `access_key` query parameter equal to the source's secret.
    UrlToken,
}

/// A `signature` setting that names no scheme.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown signature scheme {given:?}; use one of: {}", SignatureScheme::NAMES.join(", "))]
pub struct UnknownScheme {
    /// The name as given.
    pub given: String,
}

impl SignatureScheme {
    /// Every scheme, in the order the docs list them.
    pub const ALL: [SignatureScheme; 9] = [
        Self::Dealflow,
        Self::Typeform,
        Self::Github,
        Self::Shopify,
        Self::Stripe,
        Self::Calendly,
        Self::Mautic,
        Self::Standard,
        Self::UrlToken,
    ];

    /// The setting's spelling of every scheme, in the order of [`Self::ALL`].
    pub const NAMES: [&'static str; 9] =
        ["dealflow", "typeform", "github", "shopify", "stripe", "calendly", "mautic", "standard", "url_token"];

    /// The name used in settings, the API and messages (`url_token`).
    pub fn name(self) -> &'static str {
        let index = Self::ALL.iter().position(|scheme| *scheme == self).unwrap_or_default();
        Self::NAMES[index]
    }

    /// The header that carries the signature, or `None` for `url_token` (a query parameter).
    pub fn signature_header(self) -> Option<&'static str> {
        match self {
            Self::Dealflow => Some("X-DealFlow-Signature"),
            Self::Typeform => Some("Typeform-Signature"),
            Self::Github => Some("X-Hub-Signature-256"),
            Self::Shopify => Some("X-Shopify-Hmac-Sha256"),
            Self::Stripe => Some("Stripe-Signature"),
            Self::Calendly => Some("Calendly-Webhook-Signature"),
            Self::Mautic => Some("Webhook-Signature"),
            Self::Standard => Some("webhook-signature"),
            Self::UrlToken => None,
        }
    }

    /// What a sender must send, in words, for error messages and docs.
    pub fn expects(self) -> &'static str {
        match self {
            Self::Dealflow => "X-DealFlow-Signature: sha256=<hex HMAC-SHA256 of the raw body>",
            Self::Typeform => "Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw body>",
            Self::Github => "X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>",
            Self::Shopify => "X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the raw body>",
            Self::Stripe => "Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"{t}.{body}\">",
            Self::Calendly => "Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"{t}.{body}\">",
            Self::Mautic => "Webhook-Signature: <base64 HMAC-SHA256 of the raw body>",
            Self::Standard => {
                "webhook-id, webhook-timestamp (unix seconds) and webhook-signature: \
                 v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{body}\">"
            }
            Self::UrlToken => {
                "?access_key=<the source's access key> in the endpoint URL (or Authorization: Bearer <the source's \
                 access key>)"
            }
        }
    }

    /// Whether the scheme signs a timestamp, so requests outside the tolerance are refused.
    pub fn has_timestamp(self) -> bool {
        matches!(self, Self::Stripe | Self::Calendly | Self::Standard)
    }
}

impl FromStr for SignatureScheme {
    type Err = UnknownScheme;

    fn from_str(given: &str) -> Result<Self, Self::Err> {
        let index = Self::NAMES.iter().position(|name| *name == given.trim());
        index.map(|index| Self::ALL[index]).ok_or_else(|| UnknownScheme { given: given.to_owned() })
    }
}

impl TryFrom<String> for SignatureScheme {
    type Error = UnknownScheme;

    fn try_from(given: String) -> Result<Self, Self::Error> {
        given.parse()
    }
}

impl From<SignatureScheme> for &'static str {
    fn from(scheme: SignatureScheme) -> Self {
        scheme.name()
    }
}

impl fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_its_scheme() {
        for scheme in SignatureScheme::ALL {
            assert_eq!(scheme.name().parse::<SignatureScheme>(), Ok(scheme));
            assert_eq!(serde_json::to_string(&scheme).ok(), Some(format!("\"{}\"", scheme.name())));
        }
        assert_eq!(SignatureScheme::default(), SignatureScheme::Dealflow);
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_list_of_valid_names() {
        let error = "svix".parse::<SignatureScheme>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown signature scheme \"svix\"; use one of: dealflow, typeform, github, shopify, stripe, \
             calendly, mautic, standard, url_token"
        );
        let from_json = serde_json::from_str::<SignatureScheme>("\"Stripe\"");
        assert!(from_json.is_err_and(|e| e.to_string().contains("use one of: dealflow")));
    }
}
