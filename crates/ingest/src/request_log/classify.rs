//! What a refused or failed answer says about the request, as one outcome and one reason.
//! Only the answer's status, message and field names are used: never the body or a header.

use serde_json::Value;

use super::row::Outcome;

/// Reasons are cut to this many characters.
const MAX_REASON: usize = 500;

/// The outcome and reason of an error answer. `None` for 404: the source is not known, and a
/// request to a source that does not exist has no log to go in.
pub fn refusal(status: u16, message: &str, details: &Value) -> Option<(Outcome, String)> {
    let (outcome, reason) = match status {
        404 => return None,
        // Answers of the write unit are recorded by it; these are any others.
        201 => (Outcome::Created, message.to_owned()),
        200..=299 => (Outcome::Updated, message.to_owned()),
        403 if message.contains("unpublished") => (Outcome::Refused, message.to_owned()),
        401 | 403 => (Outcome::Refused, format!("verification failed: {message}")),
        413 => (Outcome::TooLarge, message.to_owned()),
        415 => (Outcome::Unsupported, message.to_owned()),
        422 => (Outcome::Invalid, invalid_fields(message, details)),
        400 => (Outcome::Invalid, message.to_owned()),
        _ => (Outcome::Error, message.to_owned()),
    };
    Some((outcome, truncated(reason)))
}

/// `invalid: title, contact.email`: the fields named, not their messages, which may quote what
/// the sender sent.
fn invalid_fields(message: &str, details: &Value) -> String {
    let mut fields = Vec::new();
    field_names(details, "", &mut fields);
    if fields.is_empty() { format!("invalid: {message}") } else { format!("invalid: {}", fields.join(", ")) }
}

fn field_names(details: &Value, prefix: &str, into: &mut Vec<String>) {
    let Value::Object(map) = details else { return };
    for (name, value) in map {
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        match value {
            Value::Object(_) => field_names(value, &path, into),
            _ => into.push(path),
        }
    }
}

/// The reason for a replayed answer.
pub fn duplicate(key: &str) -> String {
    truncated(format!("duplicate key {key}"))
}

fn truncated(reason: String) -> String {
    match domain::clip::clip(&reason, MAX_REASON) {
        std::borrow::Cow::Borrowed(_) => reason,
        std::borrow::Cow::Owned(clipped) => clipped,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_bad_signature_is_a_refusal_that_says_verification_failed() {
        let (outcome, reason) = refusal(403, "the signature does not match the body", &json!({})).unwrap();
        assert_eq!(outcome, Outcome::Refused);
        assert_eq!(reason, "verification failed: the signature does not match the body");
    }

    #[test]
    fn an_unpublished_source_is_refused_for_that_reason() {
        let (outcome, reason) = refusal(403, "inbound source 3 is unpublished; publish it", &json!({})).unwrap();
        assert_eq!((outcome, reason.as_str()), (Outcome::Refused, "inbound source 3 is unpublished; publish it"));
    }

    #[test]
    fn an_invalid_body_names_its_fields_without_their_messages() {
        let details = json!({ "title": ["is required"], "contact": { "email": ["\"x@\" is not an email"] } });
        let (outcome, reason) = refusal(422, "validation failed", &details).unwrap();
        assert_eq!((outcome, reason.as_str()), (Outcome::Invalid, "invalid: contact.email, title"));
    }

    #[test]
    fn each_status_maps_to_its_outcome_and_unknown_sources_to_none() {
        let outcome = |status| refusal(status, "m", &json!({})).map(|(o, _)| o);
        assert_eq!(outcome(400), Some(Outcome::Invalid));
        assert_eq!(outcome(413), Some(Outcome::TooLarge));
        assert_eq!(outcome(415), Some(Outcome::Unsupported));
        assert_eq!(outcome(500), Some(Outcome::Error));
        assert_eq!(outcome(404), None);
    }

    #[test]
    fn long_reasons_are_cut() {
        let (_, reason) = refusal(400, &"é".repeat(2000), &json!({})).unwrap();
        assert_eq!(reason.chars().count(), MAX_REASON);
        assert!(reason.ends_with('…'), "{reason}");
    }
}
