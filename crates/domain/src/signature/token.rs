//! `url_token`, for senders that cannot sign (Gravity Forms, Jotform, a Mautic campaign's "Send a
//! webhook" action): the endpoint URL carries `?access_key=<the source's secret>`, compared in
//! constant time. It proves the sender knows the URL, not that the body is unchanged. Senders
//! that carry a shared token in a header instead (DealHub's "HTTPS endpoint with a shared
//! token") send `Authorization: Bearer <the source's secret>`; the query parameter wins when
//! both are present.

use subtle::ConstantTimeEq;

use super::error::{Credential, VerifyError};
use super::{Headers, SignatureScheme};

/// The query parameter that carries the token.
pub const ACCESS_KEY: &str = "access_key";

const SCHEME: SignatureScheme = SignatureScheme::UrlToken;
const EXPECTED: Credential = Credential::QueryParameter(ACCESS_KEY);

/// The query string (without `?`) that authenticates a request with `secret`, percent-encoded.
pub fn access_key_query(secret: &str) -> String {
    form_urlencoded::Serializer::new(String::new()).append_pair(ACCESS_KEY, secret).finish()
}

/// Checks every `access_key` parameter of a raw query string against each secret.
pub fn verify_query<S: AsRef<str>>(secrets: &[S], query: &str) -> Result<(), VerifyError> {
    let presented: Vec<String> = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .filter(|(name, _)| name == ACCESS_KEY)
        .map(|(_, value)| value.into_owned())
        .collect();
    if presented.is_empty() {
        return Err(VerifyError::Missing { scheme: SCHEME, expected: EXPECTED });
    }
    let presented: Vec<&str> = presented.iter().map(String::as_str).collect();
    verify_access_keys(secrets, &presented)
}

/// Checks the `access_key` query parameter, or else an `Authorization: Bearer <token>` header.
pub fn verify_token<S, H>(secrets: &[S], query: &str, headers: &H) -> Result<(), VerifyError>
where
    S: AsRef<str>,
    H: Headers + ?Sized,
{
    let bearer = headers.header("Authorization").and_then(|value| {
        let (kind, token) = value.trim().split_once(' ')?;
        kind.eq_ignore_ascii_case("bearer").then_some(token)
    });
    match (verify_query(secrets, query), bearer) {
        (Err(VerifyError::Missing { .. }), Some(token)) => verify_access_keys(secrets, &[token]),
        (outcome, _) => outcome,
    }
}

/// Checks already-parsed `access_key` values against each secret, in constant time (only the
/// lengths are not hidden). Empty values never match.
pub fn verify_access_keys<S: AsRef<str>>(secrets: &[S], presented: &[&str]) -> Result<(), VerifyError> {
    let presented: Vec<&str> = presented.iter().map(|value| value.trim()).filter(|value| !value.is_empty()).collect();
    if presented.is_empty() {
        return Err(VerifyError::Missing { scheme: SCHEME, expected: EXPECTED });
    }
    let matches = secrets
        .iter()
        .map(AsRef::as_ref)
        .filter(|secret| !secret.is_empty())
        .any(|secret| presented.iter().any(|value| bool::from(secret.as_bytes().ct_eq(value.as_bytes()))));
    if matches { Ok(()) } else { Err(VerifyError::Mismatch { scheme: SCHEME, expected: EXPECTED }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_round_trips_through_a_percent_encoded_query() {
        let secret = "a+b/c=d&e";
        let query = access_key_query(secret);
        assert_eq!(query, "access_key=a%2Bb%2Fc%3Dd%26e");
        assert_eq!(verify_query(&[secret], &format!("form=7&{query}")), Ok(()));
        assert_eq!(verify_query(&[secret], &format!("?{query}")), Ok(()));
    }

    #[test]
    fn a_bearer_token_is_accepted_when_the_url_carries_none() {
        let secrets = ["current"];
        let bearer = [("authorization", "Bearer current")];
        assert_eq!(verify_token(&secrets, "", bearer.as_slice()), Ok(()));
        let wrong = [("Authorization", "bearer other")];
        assert_eq!(verify_token(&secrets, "", wrong.as_slice()).map_err(|e| e.reason()), Err("mismatch"));
        let basic = [("Authorization", "Basic current")];
        assert_eq!(verify_token(&secrets, "", basic.as_slice()).map_err(|e| e.reason()), Err("missing"));
        assert_eq!(
            verify_token(&secrets, "access_key=wrong", bearer.as_slice()).map_err(|e| e.reason()),
            Err("mismatch")
        );
    }

    #[test]
    fn a_missing_empty_or_wrong_token_is_refused() {
        let secrets = ["current", "previous"];
        assert_eq!(verify_query(&secrets, "access_key=previous"), Ok(()));
        assert_eq!(verify_query(&secrets, "access_key=wrong&access_key=current"), Ok(()));
        assert_eq!(verify_query(&secrets, "").map_err(|e| e.reason()), Err("missing"));
        assert_eq!(verify_query(&secrets, "access_key=").map_err(|e| e.reason()), Err("missing"));
        assert_eq!(verify_query(&secrets, "access_key=curren").map_err(|e| e.reason()), Err("mismatch"));
        assert_eq!(verify_query(&secrets, "Access_Key=current").map_err(|e| e.reason()), Err("missing"));
        assert_eq!(verify_query(&[""], "access_key=%20").map_err(|e| e.reason()), Err("missing"));
    }
}
