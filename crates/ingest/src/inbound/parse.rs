//! Step 5 of the inbound endpoint: the decoded body read into an object. JSON (whatever its
//! label, as SPEC §5 has it), a form (`application/x-www-form-urlencoded`, read by the `/api`
//! body reader's PHP form parser: `a[b]=c` nests, repeated keys become arrays), or for a `GET`
//! the query string without `access_key`.

use api::{ApiError, parse_json_object};
use domain::mapping::Reads;
use domain::signature::ACCESS_KEY;
use serde_json::{Map, Value};

const FORM: &str = "application/x-www-form-urlencoded";

/// How the body arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carrier<'a> {
    /// A POST body labelled with this `Content-Type` (empty when absent).
    Body { content_type: &'a str },
    /// A GET: the query string (without `?`) is the body.
    Query,
}

/// The body as an object: 400 when it is neither a JSON object nor a form.
pub fn object(carrier: Carrier<'_>, text: &[u8], query: &str) -> Result<Map<String, Value>, ApiError> {
    match carrier {
        Carrier::Query => form_object(without_access_key(query).as_bytes()),
        Carrier::Body { content_type } if is_form(content_type, text) => form_object(text),
        Carrier::Body { .. } => parse_json_object(text),
    }
}

/// The body as an object, as [`object`], but a JSON body is built only along what a mapping
/// `reads` (see [`Reads`]): the members no rule reads are checked as JSON and skipped. Answers
/// the same object to the mapping, and the same 400 for a body that is not a JSON object.
/// The nesting limit applies to what is built: an unread member may nest deeper (it is never
/// built; `serde_json`'s own limit still bounds the skipping).
pub fn mapped_object(
    carrier: Carrier<'_>,
    text: &[u8],
    query: &str,
    reads: &Reads,
) -> Result<Map<String, Value>, ApiError> {
    match carrier {
        Carrier::Body { content_type } if !is_form(content_type, text) => match reads.parse(text) {
            Ok(Value::Object(map)) => {
                // The object's own level, and its deepest member's.
                let depth = 1 + map.values().map(api::limits::depth).max().unwrap_or(0);
                if depth > api::limits::MAX_DEPTH {
                    return Err(api::limits::too_deep());
                }
                Ok(map)
            }
            // Not JSON, not an object, or an object whose read member is not one: read in full,
            // for the same answer as an unmapped body.
            _ => parse_json_object(text),
        },
        _ => object(carrier, text, query),
    }
}

/// Labelled as a form and not JSON (a JSON body is JSON whatever its label).
fn is_form(content_type: &str, text: &[u8]) -> bool {
    let label = content_type.split(';').next().unwrap_or_default().trim();
    let first = text.iter().find(|byte| !byte.is_ascii_whitespace());
    label.eq_ignore_ascii_case(FORM) && !matches!(first, Some(b'{' | b'['))
}

fn form_object(text: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match api::body::decode(FORM, text)? {
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(ApiError::bad_request("the form must have named fields (name=value), not a list")),
        None => Ok(Map::new()),
    }
}

/// The query string without its `access_key` pairs: the credential is not data.
pub(crate) fn without_access_key(query: &str) -> String {
    let is_key = |pair: &&str| {
        let name = pair.split('=').next().unwrap_or_default();
        form_urlencoded::parse(format!("{name}=").as_bytes()).next().is_some_and(|(name, _)| name == ACCESS_KEY)
    };
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && !is_key(pair))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(carrier: Carrier<'_>, text: &str, query: &str) -> Value {
        Value::Object(object(carrier, text.as_bytes(), query).unwrap())
    }

    #[test]
    fn a_php_form_nests_and_repeats_into_objects_and_arrays() {
        let form = Carrier::Body { content_type: "application/x-www-form-urlencoded; charset=UTF-8" };
        let body = "title=Acme&contact%5Bemail%5D=jane%40acme.com&tags[]=a&tags[]=b&amount=15000";
        assert_eq!(
            read(form, body, ""),
            json!({"title": "Acme", "contact": {"email": "jane@acme.com"}, "tags": ["a", "b"], "amount": "15000"})
        );
        assert_eq!(read(form, r#"{"title": "json anyway"}"#, ""), json!({"title": "json anyway"}));
    }

    #[test]
    fn a_get_reads_the_query_without_the_access_key() {
        let query = "access_key=s3cret&title=Acme&contact[email]=j%40a.co&Access_Key=kept";
        assert_eq!(
            read(Carrier::Query, "", query),
            json!({"title": "Acme", "contact": {"email": "j@a.co"}, "Access_Key": "kept"})
        );
        assert_eq!(read(Carrier::Query, "", "access_key=x"), json!({}));
    }

    #[test]
    fn anything_else_is_400() {
        let json = Carrier::Body { content_type: "application/json" };
        for body in ["name=x", "[1]", "", "{"] {
            assert_eq!(object(json, body.as_bytes(), "").unwrap_err().status.as_u16(), 400, "{body}");
        }
        let form = Carrier::Body { content_type: FORM };
        assert_eq!(object(form, b"0=a&1=b", "").unwrap_err().status.as_u16(), 400);
    }
}
