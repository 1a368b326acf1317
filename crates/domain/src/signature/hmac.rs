//! HMAC-SHA256 over exact bytes, the two encodings senders put digests in, and the
//! constant-time check of "any listed signature under any of the source's keys".

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bytes in an HMAC-SHA256 digest.
const DIGEST_BYTES: usize = 32;

/// The MAC of the concatenated `parts` under `key`, not yet finalised.
fn mac_over(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    // HMAC accepts keys of every length, so this cannot fail.
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    for part in parts {
        mac.update(part);
    }
    mac
}

/// HMAC-SHA256 of the concatenated `parts` under `key`.
pub(crate) fn digest(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    mac_over(key, parts).finalize().into_bytes().to_vec()
}

/// Whether any of `candidates` is the HMAC of `parts` under any of `keys`. Each comparison is
/// constant-time (`Mac::verify_slice`); which key or candidate matched is not revealed.
pub(crate) fn matches_any<K: AsRef<[u8]>>(keys: &[K], parts: &[&[u8]], candidates: &[Vec<u8>]) -> bool {
    keys.iter().any(|key| {
        let mac = mac_over(key.as_ref(), parts);
        candidates.iter().any(|candidate| mac.clone().verify_slice(candidate).is_ok())
    })
}

/// How a sender writes a digest into a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// 64 lowercase or uppercase hex digits.
    Hex,
    /// Standard base64 with padding (44 characters).
    Base64,
}

impl Encoding {
    pub(crate) fn encode(self, digest: &[u8]) -> String {
        match self {
            Self::Hex => hex::encode(digest),
            Self::Base64 => BASE64.encode(digest),
        }
    }

    /// The digest bytes, or what is wrong with the text. Text in the other encoding fails here:
    /// 64 hex digits read as base64 are 48 bytes, and base64 is not hex.
    pub(crate) fn decode(self, text: &str) -> Result<Vec<u8>, &'static str> {
        let decoded = match self {
            Self::Hex => hex::decode(text).map_err(|_| "expected 64 hex digits")?,
            Self::Base64 => BASE64.decode(text).map_err(|_| "expected 44 characters of padded base64")?,
        };
        if decoded.len() != DIGEST_BYTES {
            return Err(match self {
                Self::Hex => "expected 64 hex digits",
                Self::Base64 => "expected 44 characters of padded base64",
            });
        }
        Ok(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_matches_githubs_published_test_vector() {
        // From GitHub's "Validating webhook deliveries"; checked with
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"It'"'"'s a Secret to Everybody", b"Hello, World!", hashlib.sha256).hexdigest())'
        let digest = digest(b"It's a Secret to Everybody", &[b"Hello, World!"]);
        assert_eq!(Encoding::Hex.encode(&digest), "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    }

    #[test]
    fn a_digest_in_the_other_encoding_does_not_decode() {
        let digest = digest(b"k", &[b"body"]);
        let (hex, base64) = (Encoding::Hex.encode(&digest), Encoding::Base64.encode(&digest));
        assert_eq!(Encoding::Hex.decode(&hex), Ok(digest.clone()));
        assert_eq!(Encoding::Base64.decode(&base64), Ok(digest));
        assert!(Encoding::Base64.decode(&hex).is_err());
        assert!(Encoding::Hex.decode(&base64).is_err());
        assert!(Encoding::Hex.decode("abcd").is_err());
    }

    #[test]
    fn any_key_and_any_candidate_may_match() {
        let good = digest(b"grace", &[b"a", b"b"]);
        let wrong = digest(b"other", &[b"ab"]);
        assert!(matches_any(&[b"current".as_slice(), b"grace"], &[b"ab"], &[wrong.clone(), good.clone()]));
        assert!(!matches_any(&[b"current".as_slice()], &[b"ab"], &[wrong, good]));
        assert!(!matches_any::<&[u8]>(&[], &[b"ab"], &[]));
    }
}
