//! PHP form bodies (`listquery::php_form::decode`, and `api::body::decode` that the `/api`
//! routes and the receive endpoint read forms with). Input: the raw body.
//!
//! Properties: never panics; what decodes nests no deeper than its bound and holds no more
//! strings than pairs sent; a body over the pair bound is refused; decoding is deterministic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use listquery::php_form::{Bounds, FormError, decode};
use serde_json::Value;

const BOUNDS: Bounds = Bounds { max_depth: 6, max_pairs: 40 };

/// Levels of objects and arrays (a flat object is 1), as `api::limits::depth` counts.
fn depth(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn strings(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.values().map(strings).sum(),
        Value::Array(items) => items.iter().map(strings).sum(),
        Value::String(_) => 1,
        _ => 0,
    }
}

fuzz_target!(|body: &[u8]| {
    let decoded = decode(body, BOUNDS);
    assert_eq!(decoded, decode(body, BOUNDS), "decoding is not deterministic");
    let pairs = std::str::from_utf8(body).map(|text| text.trim().split('&').filter(|p| !p.is_empty()).count());
    match &decoded {
        Ok(value) => {
            assert!(value.is_object() || value.is_array(), "the root is {value}");
            assert!(depth(value) <= BOUNDS.max_depth, "nests {} levels: {value}", depth(value));
            assert!(strings(value) <= pairs.unwrap_or(0), "more strings than pairs: {value}");
        }
        Err(FormError::TooManyPairs { .. }) => assert!(pairs.unwrap_or(0) > BOUNDS.max_pairs),
        Err(_) => {}
    }
    if pairs.is_ok_and(|pairs| pairs > BOUNDS.max_pairs) {
        assert_eq!(decoded, Err(FormError::TooManyPairs { max_pairs: BOUNDS.max_pairs }));
    }
    // The API's own reader, with its own bounds: a 400 or a value, never a panic.
    if let Ok(Some(value)) = api::body::decode("application/x-www-form-urlencoded", body) {
        assert!(api::limits::depth(&value) <= api::limits::MAX_DEPTH);
    }
});
