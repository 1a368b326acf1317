//! `application/x-www-form-urlencoded` bodies as PHP builds them (`http_build_query`), which is
//! how Mautic's PHP API client sends POST, PUT and PATCH requests: `triggers[0]=a&triggers[1]=b`,
//! `category[id]=2`, `0[name]=x&1[name]=y`. Decoded into the JSON a JSON client would send.
//!
//! Hand-written rather than `serde_qs`: that crate keeps keys deeper than its depth as literal
//! text instead of refusing them, and does not turn PHP's index-keyed maps into lists.
//! Bounded by [`Bounds`]: a key nested thousands of levels is refused
//! before anything recurses over it.

use serde_json::{Map, Value};

/// Why a body is not a PHP form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("the form body is not UTF-8")]
    NotUtf8,
    #[error("{0:?} is not a name=value pair")]
    NotAPair(String),
    #[error("{0:?} is not a form key such as name, triggers[0] or category[id]")]
    BadKey(String),
    #[error("the key {key:?} nests deeper than {max_depth} levels")]
    TooDeep { key: String, max_depth: usize },
    #[error("the form has more than {max_pairs} pairs")]
    TooManyPairs { max_pairs: usize },
}

/// How much of a form is read: keys nest at most `max_depth` levels (`a[b][c]` is 3), a body
/// holds at most `max_pairs` pairs.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    pub max_depth: usize,
    pub max_pairs: usize,
}

/// Decodes a PHP form body; repeated or nested keys become objects and arrays.
pub fn decode(body: &[u8], bounds: Bounds) -> Result<Value, FormError> {
    let text = std::str::from_utf8(body).map_err(|_| FormError::NotUtf8)?;
    let pairs: Vec<&str> = text.trim().split('&').filter(|p| !p.is_empty()).collect();
    if pairs.len() > bounds.max_pairs {
        return Err(FormError::TooManyPairs { max_pairs: bounds.max_pairs });
    }
    let mut root = Value::Object(Map::new());
    for pair in pairs {
        let (key, value) = pair.split_once('=').ok_or_else(|| FormError::NotAPair(shorten(pair)))?;
        let (key, value) = (unescape(key), unescape(value));
        insert(&mut root, &path(&key, bounds.max_depth)?, Value::String(value));
    }
    Ok(arrays(root))
}

/// At most 80 characters of a piece of a body, for an error message.
fn shorten(text: &str) -> String {
    domain::clip::clip(text, 80).into_owned()
}

/// `+` for spaces and `%XX` escapes.
fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a[b][]` → `["a", "b", ""]`; the name must be plain and each `[…]` closed.
fn path(key: &str, max_depth: usize) -> Result<Vec<String>, FormError> {
    let bad = || FormError::BadKey(shorten(key));
    let (head, mut rest) = key.split_once('[').map_or((key, ""), |(head, rest)| (head, rest));
    if head.is_empty() || head.contains(']') {
        return Err(bad());
    }
    let mut segments = vec![head.to_owned()];
    if key.contains('[') {
        rest = rest.strip_suffix(']').ok_or_else(bad)?;
        for segment in rest.split("][") {
            if segments.len() >= max_depth {
                return Err(FormError::TooDeep { key: shorten(key), max_depth });
            }
            if segment.contains(['[', ']']) {
                return Err(bad());
            }
            segments.push(segment.to_owned());
        }
    }
    Ok(segments)
}

fn insert(node: &mut Value, path: &[String], value: Value) {
    let Some((first, rest)) = path.split_first() else { return };
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    let Value::Object(map) = node else { return };
    // `[]` appends: the next free index, as PHP numbers it.
    let key = if first.is_empty() { map.len().to_string() } else { first.clone() };
    if rest.is_empty() {
        map.insert(key, value);
    } else {
        insert(map.entry(key).or_insert(Value::Null), rest, value);
    }
}

/// Objects keyed exactly 0, 1, 2 … become arrays, as PHP's lists do.
fn arrays(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keyed: Vec<(usize, Value)> = Vec::with_capacity(map.len());
            let mut all_indices = true;
            for (key, _) in map.iter() {
                all_indices &= key.parse::<usize>().is_ok_and(|i| i.to_string() == *key);
            }
            if all_indices && !map.is_empty() {
                for (key, value) in map {
                    keyed.push((key.parse().unwrap_or(usize::MAX), arrays(value)));
                }
                keyed.sort_by_key(|(index, _)| *index);
                if keyed.iter().enumerate().all(|(i, (index, _))| i == *index) {
                    return Value::Array(keyed.into_iter().map(|(_, v)| v).collect());
                }
                return Value::Object(keyed.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            }
            Value::Object(map.into_iter().map(|(k, v)| (k, arrays(v))).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MAX_DEPTH: usize = 32;
    const MAX_PAIRS: usize = 1000;

    fn decode(body: &[u8]) -> Result<Value, FormError> {
        super::decode(body, Bounds { max_depth: MAX_DEPTH, max_pairs: MAX_PAIRS })
    }

    fn depth(value: &Value) -> usize {
        match value {
            Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
            Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }

    #[test]
    fn decodes_what_http_build_query_produces() {
        // PHP: http_build_query(['name' => 'A b', 'webhookUrl' => 'http://x/y?key=1&z', 'isPublished' => true,
        //   'triggers' => ['mautic.lead_post_save_new', 'dealflow.deal.won'], 'category' => ['id' => 2]])
        let body = "name=A+b&webhookUrl=http%3A%2F%2Fx%2Fy%3Fkey%3D1%26z&isPublished=1&triggers%5B0%5D=mautic.lead_post_save_new&triggers%5B1%5D=dealflow.deal.won&category%5Bid%5D=2";
        assert_eq!(
            decode(body.as_bytes()).unwrap(),
            json!({
                "name": "A b", "webhookUrl": "http://x/y?key=1&z", "isPublished": "1",
                "triggers": ["mautic.lead_post_save_new", "dealflow.deal.won"], "category": { "id": "2" }
            })
        );
    }

    #[test]
    fn a_batch_of_objects_becomes_an_array_in_index_order() {
        let body = "10%5Bname%5D=k&0%5Bname%5D=a&1%5Bname%5D=b&2%5Bname%5D=c&3%5Bname%5D=d&4%5Bname%5D=e&5%5Bname%5D=f&6%5Bname%5D=g&7%5Bname%5D=h&8%5Bname%5D=i&9%5Bname%5D=j";
        let decoded = decode(body.as_bytes()).unwrap();
        let names: Vec<_> = decoded.as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]);
    }

    #[test]
    fn empty_brackets_append_and_sparse_indices_stay_an_object() {
        let decode = |body: &str| decode(body.as_bytes()).unwrap();
        assert_eq!(decode("ids%5B%5D=3&ids%5B%5D=4"), json!({ "ids": ["3", "4"] }));
        assert_eq!(decode("a%5B0%5D=x&a%5B2%5D=y"), json!({ "a": { "0": "x", "2": "y" } }));
        assert_eq!(decode("bad=%zz&also=%"), json!({ "bad": "%zz", "also": "%" }));
    }

    fn nested_key(levels: usize) -> String {
        format!("a{}=1", "[x]".repeat(levels))
    }

    #[test]
    fn keys_nest_up_to_the_bound_and_no_deeper() {
        let at_bound = decode(nested_key(MAX_DEPTH - 1).as_bytes()).unwrap();
        assert_eq!(depth(&at_bound), MAX_DEPTH);
        assert!(matches!(decode(nested_key(MAX_DEPTH).as_bytes()), Err(FormError::TooDeep { .. })));
        assert!(matches!(decode(nested_key(100_000).as_bytes()), Err(FormError::TooDeep { .. })));
    }

    #[test]
    fn what_is_not_a_form_is_refused() {
        assert!(matches!(decode(b"just some text"), Err(FormError::NotAPair(_))));
        assert!(matches!(decode(b"%5Bx%5D=1"), Err(FormError::BadKey(_))));
        assert!(matches!(decode(b"a%5Bx=1"), Err(FormError::BadKey(_))));
        assert!(matches!(decode(b"a%5Bx%5D%5D=1"), Err(FormError::BadKey(_))));
        assert_eq!(decode(&[0xff, b'=', b'1']), Err(FormError::NotUtf8));
        let many = vec!["a%5B%5D=1"; MAX_PAIRS + 1].join("&");
        assert_eq!(decode(many.as_bytes()), Err(FormError::TooManyPairs { max_pairs: MAX_PAIRS }));
        assert!(decode(vec!["a%5B%5D=1"; MAX_PAIRS].join("&").as_bytes()).is_ok());
    }
}
