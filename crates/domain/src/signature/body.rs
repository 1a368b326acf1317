//! The schemes that sign the raw body alone with one header: `dealflow`, `typeform`, `github`,
//! `shopify` and `mautic`. They differ only in the header, a prefix and the digest's encoding.

use super::error::{Credential, VerifyError};
use super::hmac::{self, Encoding};
use super::{Headers, SignatureScheme};

/// Where and how a body-only scheme writes its digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BodyFormat {
    scheme: SignatureScheme,
    header: &'static str,
    prefix: &'static str,
    encoding: Encoding,
}

impl BodyFormat {
    /// The format of a body-only scheme, or `None` for the others.
    pub(crate) fn of(scheme: SignatureScheme) -> Option<Self> {
        let (header, prefix, encoding) = match scheme {
            SignatureScheme::Dealflow => ("X-DealFlow-Signature", "sha256=", Encoding::Hex),
            SignatureScheme::Typeform => ("Typeform-Signature", "sha256=", Encoding::Base64),
            SignatureScheme::Github => ("X-Hub-Signature-256", "sha256=", Encoding::Hex),
            SignatureScheme::Shopify => ("X-Shopify-Hmac-Sha256", "", Encoding::Base64),
            SignatureScheme::Mautic => ("Webhook-Signature", "", Encoding::Base64),
            _ => return None,
        };
        Some(Self { scheme, header, prefix, encoding })
    }

    pub(crate) fn header(self) -> &'static str {
        self.header
    }

    /// The header value that signs `body` with `key`.
    pub(crate) fn sign(self, key: &[u8], body: &[u8]) -> String {
        format!("{}{}", self.prefix, self.encoding.encode(&hmac::digest(key, &[body])))
    }

    /// Checks the header against the raw body under each key, in constant time.
    pub(crate) fn verify<H, K>(self, keys: &[K], headers: &H, body: &[u8]) -> Result<(), VerifyError>
    where
        H: Headers + ?Sized,
        K: AsRef<[u8]>,
    {
        let value = headers.header(self.header);
        self.verify_value(keys, value, body)
    }

    /// As [`Self::verify`], given the header's value (`None` when absent).
    pub(crate) fn verify_value<K: AsRef<[u8]>>(
        self,
        keys: &[K],
        value: Option<&str>,
        body: &[u8],
    ) -> Result<(), VerifyError> {
        let (scheme, expected) = (self.scheme, Credential::Header(self.header));
        let value = value.ok_or(VerifyError::Missing { scheme, expected })?.trim();
        let malformed = |problem| VerifyError::Malformed { scheme, expected, problem };
        let digest = value.strip_prefix(self.prefix).ok_or_else(|| malformed("expected it to start with sha256="))?;
        let candidate = self.encoding.decode(digest).map_err(malformed)?;
        if hmac::matches_any(keys, &[body], &[candidate]) {
            Ok(())
        } else {
            Err(VerifyError::Mismatch { scheme, expected })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"title":"x"}"#;

    fn format(scheme: SignatureScheme) -> BodyFormat {
        BodyFormat::of(scheme).unwrap()
    }

    #[test]
    fn each_body_scheme_signs_as_an_independent_hmac_does() {
        // hex:    python3 -c 'import hmac,hashlib; print(hmac.new(b"s3cret", b"{\"title\":\"x\"}", hashlib.sha256).hexdigest())'
        // base64: python3 -c 'import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b"s3cret", b"{\"title\":\"x\"}", hashlib.sha256).digest()).decode())'
        let hex = "fc0f04f7f2795fb607921534af01947d7e95251a4e20807d3a339caae4860d54";
        let base64 = "/A8E9/J5X7YHkhU0rwGUfX6VJRpOIIB9OjOcquSGDVQ=";
        let expected = [
            (SignatureScheme::Dealflow, format!("sha256={hex}")),
            (SignatureScheme::Typeform, format!("sha256={base64}")),
            (SignatureScheme::Github, format!("sha256={hex}")),
            (SignatureScheme::Shopify, base64.to_owned()),
            (SignatureScheme::Mautic, base64.to_owned()),
        ];
        for (scheme, value) in expected {
            assert_eq!(format(scheme).sign(b"s3cret", BODY), value, "{scheme}");
        }
    }

    #[test]
    fn github_verifies_its_published_test_vector() {
        let headers =
            [("x-hub-signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")];
        let github = format(SignatureScheme::Github);
        assert_eq!(github.verify(&["It's a Secret to Everybody"], headers.as_slice(), b"Hello, World!"), Ok(()));
    }

    #[test]
    fn the_other_schemes_have_no_body_format() {
        for scheme in [SignatureScheme::Stripe, SignatureScheme::Standard, SignatureScheme::UrlToken] {
            assert_eq!(BodyFormat::of(scheme), None);
        }
    }
}
