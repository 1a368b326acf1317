//! The document speaks to an API reader: a schema description taken from another crate's doc
//! comment that names code (a module path, a SPEC section) is reworded here, and a test keeps
//! every operation summarized and every description free of internal references.

use serde_json::Value;

/// (internal wording, reader's wording) of descriptions other crates' doc comments give.
const REWORDED: &[(&str, &str)] = &[(
    "Analysts see it with its credentials withheld ([`super::redact`]).",
    "Analysts see it with its credentials withheld.",
)];

/// Rewords every description of [`REWORDED`], wherever it stands.
pub fn apply(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    Value::String(text) if key == "description" => reword(text),
                    _ => apply(item),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(apply),
        _ => {}
    }
}

fn reword(text: &mut String) {
    if let Some((_, reader)) = REWORDED.iter().find(|(internal, _)| text == internal) {
        *text = (*reader).to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn descriptions(value: &Value, into: &mut Vec<String>) {
        match value {
            Value::Object(map) => map.iter().for_each(|(key, item)| match item {
                Value::String(text) if key == "description" => into.push(text.clone()),
                _ => descriptions(item, into),
            }),
            Value::Array(items) => items.iter().for_each(|item| descriptions(item, into)),
            _ => {}
        }
    }

    #[test]
    fn no_description_names_code_or_the_spec() {
        let mut found = Vec::new();
        descriptions(&crate::openapi::document(), &mut found);
        let internal: Vec<_> =
            found.iter().filter(|d| d.contains("::") || d.contains("SPEC") || d.contains('§')).collect();
        assert!(internal.is_empty(), "{internal:#?}");
    }

    #[test]
    fn every_operation_has_a_one_line_summary() {
        let doc = crate::openapi::document();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let summary = operation["summary"].as_str().unwrap_or_default();
                assert!(!summary.is_empty() && !summary.contains('\n'), "{method} {path}");
            }
        }
    }
}
