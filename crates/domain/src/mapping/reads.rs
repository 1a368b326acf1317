//! What of a body a mapping reads, so that a request's body is built only along those keys.
//!
//! A sender's body is often mostly unread: a Typeform submission carries the whole form
//! definition beside the answers. Building every key as a `serde_json::Value` (a string and a
//! map node each) was the largest cost of a mapped request; the unread members are instead
//! skipped in the same pass (still checked to be valid JSON, never allocated).
//!
//! The keys come from the paths themselves: a path's leading run of member names
//! (`$.form_response.answers` of `$.form_response.answers[?@.field.ref=='email'].email`) is
//! read whole from there on; a path starting otherwise (`$..x`, `$[*]`, `$['a b']`), or naming
//! the root inside a filter (`$`), reads the whole body. Templates read the attribute chains
//! MiniJinja lists for them, and `body` is the whole body.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};
use serde_json_path::JsonPath;

/// The part of a value a mapping reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reads {
    /// All of it.
    Whole,
    /// Only these members (of an object; any other value is read whole).
    Keys(BTreeMap<String, Reads>),
}

impl Default for Reads {
    /// Nothing read yet: an object with no member wanted.
    fn default() -> Self {
        Self::Keys(BTreeMap::new())
    }
}

impl Reads {
    /// Adds a chain of member names, read whole from its end; an empty chain is the whole value.
    pub fn add<S: AsRef<str>>(&mut self, chain: &[S]) {
        let Self::Keys(keys) = self else { return };
        let Some((first, rest)) = chain.split_first() else {
            *self = Self::Whole;
            return;
        };
        keys.entry(first.as_ref().to_owned()).or_default().add_rest(rest);
    }

    fn add_rest<S: AsRef<str>>(&mut self, rest: &[S]) {
        if rest.is_empty() {
            *self = Self::Whole;
        } else {
            self.add(rest);
        }
    }

    /// Adds what `path` reads.
    pub fn add_path(&mut self, path: &JsonPath) {
        self.add(&leading_names(&path.to_string()));
    }

    /// Reads a JSON text along these keys in one pass, skipping (but checking) every other
    /// member. Fails as `serde_json` fails on the text, and also where a value read by keys is
    /// not an object: the caller then reads the text in full, for its error message or its
    /// unusual shape.
    pub fn parse(&self, text: &[u8]) -> serde_json::Result<Value> {
        let mut deserializer = serde_json::Deserializer::from_slice(text);
        let value = self.deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(value)
    }
}

impl<'de> DeserializeSeed<'de> for &Reads {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        match self {
            Reads::Whole => Value::deserialize(deserializer),
            Reads::Keys(keys) => deserializer.deserialize_map(Members(keys)),
        }
    }
}

/// Builds the members of an object that are read; ignores the others.
struct Members<'r>(&'r BTreeMap<String, Reads>);

impl<'de> Visitor<'de> for Members<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(Key(name)) = map.next_key()? {
            match self.0.get(name.as_ref()) {
                // A repeated key keeps its last value, as in `serde_json::Value`.
                Some(reads) => {
                    object.insert(name.into_owned(), map.next_value_seed(reads)?);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(object))
    }
}

/// The member names a normalised path starts with, up to its first other segment; `[]` (the
/// whole value) when it starts otherwise or names the root again further on.
fn leading_names(path: &str) -> Vec<String> {
    let Some(rest) = path.strip_prefix('$') else { return Vec::new() };
    let mut names = Vec::new();
    let mut rest = rest;
    while let Some(after_dot) = rest.strip_prefix('.') {
        let end = after_dot.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(after_dot.len());
        let name = &after_dot[..end];
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            break;
        }
        names.push(name.to_owned());
        rest = &after_dot[end..];
    }
    if rest.contains('$') { Vec::new() } else { names }
}

/// A member name, borrowed from the text unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl<'de> Visitor<'de> for Name {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, name: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(name)))
            }
            fn visit_str<E>(self, name: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(name.to_owned())))
            }
        }
        deserializer.deserialize_str(Name)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn reads_of(paths: &[&str]) -> Reads {
        let mut reads = Reads::default();
        for path in paths {
            reads.add_path(&JsonPath::parse(path).unwrap());
        }
        reads
    }

    #[test]
    fn given_paths_when_reading_a_body_then_only_their_members_are_built() {
        let reads = reads_of(&["$.form.answers[?@.ref=='email'].email", "$.event_id"]);
        let text = br#"{"event_id":"e1","form":{"answers":[{"ref":"email","email":"a@b"}],"definition":{"x":[1,2]}},"hidden":{"h":1}}"#;

        let value = reads.parse(text).unwrap();

        assert_eq!(value, json!({"event_id": "e1", "form": {"answers": [{"ref": "email", "email": "a@b"}]}}));
    }

    #[test]
    fn given_paths_that_do_not_start_with_names_when_reading_then_the_whole_body_is_read() {
        for path in ["$..email", "$[*]", "$['a b']", "$.a[?@.x == $.b]", "$"] {
            assert_eq!(reads_of(&[path]), Reads::Whole, "{path}");
        }
    }

    #[test]
    fn given_a_repeated_key_when_reading_then_the_last_value_wins_as_in_a_full_parse() {
        let reads = reads_of(&["$.a"]);
        for text in [&br#"{"a":1,"b":2,"a":3}"#[..], br#"{"a":1,"a":{"x":[1]}}"#, br#"{"a\u0062":1,"a":2}"#] {
            let full: Value = serde_json::from_slice(text).unwrap();
            let expected = json!({ "a": full["a"] });
            assert_eq!(reads.parse(text).unwrap(), expected);
        }
    }

    #[test]
    fn given_text_that_is_not_a_json_object_when_reading_then_it_fails_so_that_the_caller_reads_it_in_full() {
        let reads = reads_of(&["$.a.b"]);
        let texts: [&[u8]; 8] =
            [br#"{"a":1,"b":[1,}"#, br#"{"a":{}} x"#, b"[1]", b"\"text\"", b"{", b"", br#"{"a":[1]}"#, br#"{"a":5}"#];
        for text in texts {
            assert!(reads.parse(text).is_err(), "{}", String::from_utf8_lossy(text));
        }
        assert_eq!(
            reads.parse(b" \n{ \"a\" : {\"b\": [1], \"c\": 2} , \"b\":{} } ").unwrap(),
            json!({"a": {"b": [1]}})
        );
    }

    #[test]
    fn given_each_preset_and_its_sample_body_when_reading_only_what_it_reads_then_it_maps_as_the_whole_body() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for preset in crate::mapping::presets::all() {
            let Ok(text) = std::fs::read(fixtures.join(format!("{}.json", preset.name))) else { continue };
            let mapping = preset.compile().unwrap();
            let full: Value = serde_json::from_slice(&text).unwrap();

            let read = mapping.reads().parse(&text).unwrap();

            let (whole, partial) = (mapping.apply(&full), mapping.apply(&read));
            assert_eq!(partial.payload, whole.payload, "{}", preset.name);
            assert_eq!(partial.idempotency_key, whole.idempotency_key, "{}", preset.name);
            assert!(!whole.payload.is_empty(), "{}", preset.name);
            if preset.name == "typeform" {
                assert_eq!(read["form_response"]["definition"], json!({"title": "Enterprise demo request"}));
            }
        }
    }
}
