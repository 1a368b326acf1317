//! Why an inbound request's signature was refused. Messages name the scheme and the header the
//! source expects, and never which byte differed.

use std::fmt;

use super::SignatureScheme;

/// Where a scheme looks for one part of its credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A request header, by its documented name.
    Header(&'static str),
    /// A query parameter of the endpoint URL.
    QueryParameter(&'static str),
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Header(name) => write!(f, "the {name} header"),
            Self::QueryParameter(name) => write!(f, "the {name} query parameter"),
        }
    }
}

/// Why a request was refused. Every variant answers 403.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The credential is absent.
    #[error("{expected} is missing; this source uses the {scheme} signature scheme: send {}", scheme.expects())]
    Missing { scheme: SignatureScheme, expected: Credential },
    /// The credential is present but not in the scheme's format (including a digest in the
    /// other encoding: hex where base64 is expected, or the reverse).
    #[error("{expected} is malformed ({problem}); this source uses the {scheme} signature scheme: send {}", scheme.expects())]
    Malformed { scheme: SignatureScheme, expected: Credential, problem: &'static str },
    /// Well formed, but made with none of the source's secrets over this exact request (for
    /// `url_token`: equal to none of its access keys).
    #[error("{}", describe_mismatch(*scheme, *expected))]
    Mismatch { scheme: SignatureScheme, expected: Credential },
    /// Correctly signed, but the signed timestamp is outside the tolerance window.
    #[error(
        "{expected} is {} this server's clock, outside the {tolerance_seconds} s tolerance of the {scheme} \
         signature scheme; check the sender's clock, or send a fresh delivery instead of replaying an old one",
        describe_skew(*skew_seconds)
    )]
    Stale { scheme: SignatureScheme, expected: Credential, skew_seconds: i64, tolerance_seconds: u32 },
    /// The source has no secret this scheme can use (none given, or a `whsec_` secret that
    /// is not base64). A configuration problem of the source, not of the sender.
    #[error(
        "this source has no usable secret for the {scheme} signature scheme; rotate its secret or import the \
         sender's secret again"
    )]
    NoUsableSecret { scheme: SignatureScheme },
}

impl VerifyError {
    /// A short label for metrics and the request log: `missing`, `malformed`, `mismatch`,
    /// `stale` or `no_secret`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Missing { .. } => "missing",
            Self::Malformed { .. } => "malformed",
            Self::Mismatch { .. } => "mismatch",
            Self::Stale { .. } => "stale",
            Self::NoUsableSecret { .. } => "no_secret",
        }
    }
}

/// A signature is made with the secret over the request; an access key is only compared, so
/// `url_token` speaks of the key and where the current one is shown.
fn describe_mismatch(scheme: SignatureScheme, expected: Credential) -> String {
    match scheme {
        SignatureScheme::UrlToken => format!(
            "{expected} does not match the source's access key; this source uses the {scheme} signature scheme: \
             send {}, with the current key as in the source's receive_url",
            scheme.expects()
        ),
        _ => format!(
            "{expected} does not match this request and the source's secret; this source uses the {scheme} \
             signature scheme: send {}, made with the source's current secret",
            scheme.expects()
        ),
    }
}

/// `412 s ahead of` / `412 s behind`: positive skew means the sender's timestamp is in this
/// server's future.
fn describe_skew(skew_seconds: i64) -> String {
    if skew_seconds > 0 {
        format!("{skew_seconds} s ahead of")
    } else {
        format!("{} s behind", skew_seconds.unsigned_abs())
    }
}

/// Refuses a signed timestamp more than `tolerance_seconds` away from `now` (unix seconds).
pub(crate) fn check_skew(
    scheme: SignatureScheme,
    expected: Credential,
    timestamp: i64,
    now: i64,
    tolerance_seconds: u32,
) -> Result<(), VerifyError> {
    let skew_seconds = timestamp.saturating_sub(now);
    if skew_seconds.unsigned_abs() > u64::from(tolerance_seconds) {
        return Err(VerifyError::Stale { scheme, expected, skew_seconds, tolerance_seconds });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMESTAMP: Credential = Credential::Header("webhook-timestamp");

    #[test]
    fn the_tolerance_is_inclusive_in_both_directions() {
        for skew in [-300, 0, 300] {
            assert_eq!(check_skew(SignatureScheme::Standard, TIMESTAMP, 1_000 + skew, 1_000, 300), Ok(()));
        }
        for skew in [-301, 301, i64::MAX] {
            assert!(
                check_skew(SignatureScheme::Standard, TIMESTAMP, 1_000i64.saturating_add(skew), 1_000, 300).is_err()
            );
        }
    }

    #[test]
    fn a_stale_timestamp_names_the_skew_and_its_direction() {
        let behind = check_skew(SignatureScheme::Standard, TIMESTAMP, 588, 1_000, 300).unwrap_err();
        assert_eq!(
            behind.to_string(),
            "the webhook-timestamp header is 412 s behind this server's clock, outside the 300 s tolerance of the \
             standard signature scheme; check the sender's clock, or send a fresh delivery instead of replaying an \
             old one"
        );
        let ahead = check_skew(SignatureScheme::Stripe, Credential::Header("Stripe-Signature"), 1_400, 1_000, 300);
        assert!(ahead.unwrap_err().to_string().starts_with("the Stripe-Signature header is 400 s ahead of"));
    }

    #[test]
    fn a_missing_credential_names_where_it_was_expected_and_the_scheme() {
        let error = VerifyError::Missing {
            scheme: SignatureScheme::UrlToken,
            expected: Credential::QueryParameter("access_key"),
        };
        assert_eq!(
            error.to_string(),
            "the access_key query parameter is missing; this source uses the url_token signature scheme: send \
             ?access_key=<the source's access key> in the endpoint URL (or Authorization: Bearer <the source's \
             access key>)"
        );
        assert_eq!(error.reason(), "missing");
    }

    #[test]
    fn a_url_token_mismatch_speaks_of_the_access_key_not_a_signature() {
        let error = VerifyError::Mismatch {
            scheme: SignatureScheme::UrlToken,
            expected: Credential::QueryParameter("access_key"),
        };
        assert_eq!(
            error.to_string(),
            "the access_key query parameter does not match the source's access key; this source uses the url_token \
             signature scheme: send ?access_key=<the source's access key> in the endpoint URL (or Authorization: \
             Bearer <the source's access key>), with the current key as in the source's receive_url"
        );
        assert!(!error.to_string().contains("secret"));
    }

    #[test]
    fn a_mismatch_says_what_to_send_and_not_what_differed() {
        let error = VerifyError::Mismatch {
            scheme: SignatureScheme::Typeform,
            expected: Credential::Header("Typeform-Signature"),
        };
        assert_eq!(
            error.to_string(),
            "the Typeform-Signature header does not match this request and the source's secret; this source uses \
             the typeform signature scheme: send Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw body>, \
             made with the source's current secret"
        );
    }
}
