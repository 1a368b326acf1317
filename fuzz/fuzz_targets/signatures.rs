//! Inbound signature schemes (`domain::signature`). Input, as text: the scheme's name on the
//! first line, then `Name: value` header lines (a line without `: ` is the scheme's own
//! signature header; one starting with `?` is the query string), an empty line, the body.
//!
//! Properties: verifying whatever headers arrive never panics; a request signed with the
//! secret passes, under it alone and as the rotated-out secret; the same request with one
//! body bit flipped, or under another secret, fails (`url_token` covers no body).

#![no_main]

use chrono::{DateTime, Utc};
use domain::signature::InboundRequest;
use domain::signature::{SchemeSettings, SignatureScheme, SigningInput, sign_request, verify_signature};
use libfuzzer_sys::fuzz_target;

/// A secret every scheme takes: text, and `whsec_` + base64 for `standard`.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const NOW: i64 = 1_700_000_000;

struct Input<'a> {
    scheme: SignatureScheme,
    headers: Vec<(String, String)>,
    query: String,
    body: &'a [u8],
}

fn read(data: &[u8]) -> Option<Input<'_>> {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.lines();
    let name = lines.next()?;
    let scheme = name.parse().unwrap_or(SignatureScheme::ALL[name.len() % SignatureScheme::ALL.len()]);
    let (mut headers, mut query) = (Vec::new(), String::new());
    for line in lines {
        if let Some(rest) = line.strip_prefix('?') {
            query = rest.to_owned();
        } else if let Some((name, value)) = line.split_once(": ") {
            headers.push((name.to_owned(), value.to_owned()));
        } else if let Some(header) = scheme.signature_header() {
            headers.push((header.to_owned(), line.to_owned()));
        }
    }
    Some(Input { scheme, headers, query, body })
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW, 0).expect("a valid instant")
}

fn verifies(scheme: SignatureScheme, secrets: &[&str], headers: &[(String, String)], query: &str, body: &[u8]) -> bool {
    let request = InboundRequest { headers, query, body };
    verify_signature(&SchemeSettings::new(scheme), secrets, request, now()).is_ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = read(data) else { return };
    let Input { scheme, headers, query, body } = input;
    // Whatever arrives: an answer, never a panic.
    let _ = verifies(scheme, &[SECRET, OTHER], &headers, &query, body);

    let message_id = format!("msg_{}", body.len());
    let signing = SigningInput { timestamp: NOW, message_id: &message_id };
    let signed = sign_request(scheme, SECRET, body, signing).expect("the secret is a valid key");
    let headers: Vec<(String, String)> =
        signed.headers.iter().map(|(name, value)| ((*name).to_owned(), value.clone())).collect();
    let query = signed.query.unwrap_or_default();
    assert!(verifies(scheme, &[SECRET], &headers, &query, body), "{scheme}: a signed request fails");
    assert!(verifies(scheme, &[OTHER, SECRET], &headers, &query, body), "{scheme}: fails under a rotated secret");
    assert!(!verifies(scheme, &[OTHER], &headers, &query, body), "{scheme}: passes under another secret");
    if scheme != SignatureScheme::UrlToken && !body.is_empty() {
        let mut tampered = body.to_vec();
        let bit = data.len() % (tampered.len() * 8);
        tampered[bit / 8] ^= 1 << (bit % 8);
        assert!(!verifies(scheme, &[SECRET], &headers, &query, &tampered), "{scheme}: a tampered body passes");
    }
});
