//! The request's idempotency key (SPEC §5): the sender's delivery id from a header, else the
//! mapping's `idempotency_key` (Typeform `event_id`, a Stripe event's `id`, DealHub's
//! `event_info.event_id`).

use api::ApiError;
use domain::signature::Headers;
use sha2::{Digest, Sha256};

/// Headers that carry a sender's delivery id, in the order they are looked at: the generic
/// one, Standard Webhooks (and Svix), GitHub, Shopify.
pub const DELIVERY_ID_HEADERS: [&str; 5] =
    ["Idempotency-Key", "webhook-id", "svix-id", "X-GitHub-Delivery", "X-Shopify-Webhook-Id"];

const MAX_KEY_CHARS: usize = 255;

/// The first delivery-id header present; 400 naming it when it is blank or too long.
pub fn from_headers<H: Headers + ?Sized>(headers: &H) -> Result<Option<String>, ApiError> {
    let Some((name, value)) = DELIVERY_ID_HEADERS.iter().find_map(|name| headers.header(name).map(|v| (*name, v)))
    else {
        return Ok(None);
    };
    let key = value.trim();
    if (1..=MAX_KEY_CHARS).contains(&key.chars().count()) {
        Ok(Some(key.to_owned()))
    } else {
        Err(ApiError::bad_field(name, "must be 1 to 255 visible characters"))
    }
}

/// A key the mapping found in the body; one longer than a header may be is kept as its
/// SHA-256, so it still deduplicates.
pub fn from_mapping(key: Option<String>) -> Option<String> {
    let key = key.map(|key| key.trim().to_owned()).filter(|key| !key.is_empty())?;
    if key.chars().count() <= MAX_KEY_CHARS {
        Some(key)
    } else {
        Some(format!("sha256:{}", hex::encode(Sha256::digest(key))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_senders_delivery_header_is_a_key() {
        for name in DELIVERY_ID_HEADERS {
            let headers = [(name.to_ascii_lowercase(), " d-1 ".to_owned())];
            assert_eq!(from_headers(headers.as_slice()).unwrap(), Some("d-1".to_owned()), "{name}");
        }
        let none: [(&str, &str); 0] = [];
        assert_eq!(from_headers(none.as_slice()).unwrap(), None);
        assert_eq!(from_headers([("X-GitHub-Delivery", " ")].as_slice()).unwrap_err().status.as_u16(), 400);
    }

    #[test]
    fn a_mapped_key_is_trimmed_and_a_long_one_hashed() {
        assert_eq!(from_mapping(Some(" evt_1 ".into())), Some("evt_1".into()));
        assert_eq!(from_mapping(Some("  ".into())), None);
        let long = from_mapping(Some("x".repeat(300))).unwrap();
        assert!(long.starts_with("sha256:") && long.len() == 71, "{long}");
    }
}
