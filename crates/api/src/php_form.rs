//! `application/x-www-form-urlencoded` bodies as PHP builds them (`http_build_query`), which is
//! how Mautic's PHP API client sends POST, PUT and PATCH requests: `triggers[0]=a&triggers[1]=b`,
//! `category[id]=2`, `0[name]=x&1[name]=y`. Decoded into the JSON a JSON client would send.

use serde_json::{Map, Value};

/// Decodes a PHP form body; repeated or nested keys become objects and arrays.
pub fn decode(body: &str) -> Value {
    let mut root = Value::Object(Map::new());
    for pair in body.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (unescape(key), unescape(value));
        insert(&mut root, &path(&key), Value::String(value));
    }
    arrays(root)
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

/// `a[b][]` → `["a", "b", ""]`.
fn path(key: &str) -> Vec<String> {
    match key.split_once('[') {
        None => vec![key.to_owned()],
        Some((head, rest)) => {
            let mut segments = vec![head.to_owned()];
            segments.extend(rest.split('[').map(|s| s.trim_end_matches(']').to_owned()));
            segments
        }
    }
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

    #[test]
    fn decodes_what_http_build_query_produces() {
        // PHP: http_build_query(['name' => 'A b', 'webhookUrl' => 'http://x/y?key=1&z', 'isPublished' => true,
        //   'triggers' => ['mautic.lead_post_save_new', 'dealflow.deal.won'], 'category' => ['id' => 2]])
        let body = "name=A+b&webhookUrl=http%3A%2F%2Fx%2Fy%3Fkey%3D1%26z&isPublished=1&triggers%5B0%5D=mautic.lead_post_save_new&triggers%5B1%5D=dealflow.deal.won&category%5Bid%5D=2";
        assert_eq!(
            decode(body),
            json!({
                "name": "A b", "webhookUrl": "http://x/y?key=1&z", "isPublished": "1",
                "triggers": ["mautic.lead_post_save_new", "dealflow.deal.won"], "category": { "id": "2" }
            })
        );
    }

    #[test]
    fn a_batch_of_objects_becomes_an_array_in_index_order() {
        let body = "10%5Bname%5D=k&0%5Bname%5D=a&1%5Bname%5D=b&2%5Bname%5D=c&3%5Bname%5D=d&4%5Bname%5D=e&5%5Bname%5D=f&6%5Bname%5D=g&7%5Bname%5D=h&8%5Bname%5D=i&9%5Bname%5D=j";
        let decoded = decode(body);
        let names: Vec<_> = decoded.as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]);
    }

    #[test]
    fn empty_brackets_append_and_sparse_indices_stay_an_object() {
        assert_eq!(decode("ids%5B%5D=3&ids%5B%5D=4"), json!({ "ids": ["3", "4"] }));
        assert_eq!(decode("a%5B0%5D=x&a%5B2%5D=y"), json!({ "a": { "0": "x", "2": "y" } }));
        assert_eq!(decode("bad=%zz&also=%"), json!({ "bad": "%zz", "also": "%" }));
    }
}
