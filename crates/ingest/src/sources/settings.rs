//! The inbound settings a source's create and edit requests may give (SPEC §5a, issue 11):
//! `signature`, `tolerance_seconds`, `mapping`, `preset` and an imported `secret`. Each is
//! validated here, once, at the edge: an unknown scheme or a mapping that does not compile is
//! 422 naming the field (`mapping.title` for one bad rule), before anything is written.

use api::Fields;
use domain::mapping::{Mapping, presets};
use domain::signature::{SignatureScheme, standard_key};
use serde_json::Value;

/// The largest accepted `tolerance_seconds` (a day).
pub const MAX_TOLERANCE_SECONDS: u32 = 86_400;
/// Bounds of an imported secret, in characters.
const SECRET_CHARS: std::ops::RangeInclusive<usize> = 8..=1024;

/// The inbound settings of one request; absent fields are `None` (left as they are on edit).
#[derive(Clone, Debug, Default)]
pub struct SettingsInput {
    pub signature: Option<SignatureScheme>,
    pub tolerance_seconds: Option<u32>,
    /// `Some(None)` removes the mapping (`"mapping": null`).
    pub mapping: Option<Option<Value>>,
    /// The preset's name; its scheme and mapping are already in `signature` and `mapping`
    /// unless the request gave its own.
    pub preset: Option<String>,
    /// A secret imported from the sender (`whsec_…`, a Shopify app secret).
    pub secret: Option<String>,
}

/// Reads and validates the inbound settings of a create or edit body, recording every problem.
pub fn read(fields: &mut Fields<'_>) -> SettingsInput {
    let mut input = SettingsInput {
        signature: fields.string("signature", false, str::parse::<SignatureScheme>),
        tolerance_seconds: tolerance(fields),
        mapping: mapping(fields),
        preset: None,
        secret: fields.string("secret", false, imported_secret),
    };
    if let Some(preset) = fields.string("preset", false, find_preset) {
        input.signature = input.signature.or_else(|| preset.signature.parse().ok());
        if input.mapping.is_none() {
            input.mapping = Some(Some(serde_json::to_value(&preset.mapping).unwrap_or(Value::Null)));
        }
        input.preset = Some(preset.name.to_owned());
    }
    check_standard_secret(fields, &input);
    input
}

fn tolerance(fields: &mut Fields<'_>) -> Option<u32> {
    let value = fields.value("tolerance_seconds")?;
    let parsed = value.as_u64().and_then(|n| u32::try_from(n).ok()).filter(|n| (1..=MAX_TOLERANCE_SECONDS).contains(n));
    if parsed.is_none() {
        fields
            .error("tolerance_seconds", format!("must be a whole number of seconds from 1 to {MAX_TOLERANCE_SECONDS}"));
    }
    parsed
}

/// `null` removes the mapping; an object must compile, every bad rule named `mapping.<field>`.
fn mapping(fields: &mut Fields<'_>) -> Option<Option<Value>> {
    if !fields.has("mapping") {
        return None;
    }
    let Some(value) = fields.value("mapping") else { return Some(None) };
    match Mapping::parse(value) {
        Ok(_) => Some(Some(value.clone())),
        Err(error) => {
            fields.adopt(error.field_errors("mapping"));
            None
        }
    }
}

fn find_preset(name: &str) -> Result<presets::Preset, String> {
    presets::find(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = presets::all().iter().map(|preset| preset.name).collect();
        format!("is not a preset; use one of: {} (GET /api/sources/presets lists them)", names.join(", "))
    })
}

fn imported_secret(text: &str) -> Result<String, String> {
    let count = text.chars().count();
    if text.trim() != text || !SECRET_CHARS.contains(&count) {
        return Err(format!(
            "must be {} to {} characters without surrounding spaces: paste the sender's signing secret as shown",
            SECRET_CHARS.start(),
            SECRET_CHARS.end()
        ));
    }
    Ok(text.to_owned())
}

/// A `whsec_` secret under `standard` must be base64 after the prefix, or nothing could match.
fn check_standard_secret(fields: &mut Fields<'_>, input: &SettingsInput) {
    let (Some(SignatureScheme::Standard), Some(secret)) = (input.signature, &input.secret) else { return };
    if let Err(error) = standard_key(secret) {
        fields.error("secret", error.to_string());
    }
}

/// The compiled mapping of stored settings; `None` when the source has none.
pub fn compile(mapping: Option<&Value>) -> Result<Option<Mapping>, domain::mapping::MappingError> {
    mapping.map(Mapping::parse).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read_json(body: Value) -> (SettingsInput, Vec<String>) {
        let Value::Object(map) = body else { panic!("an object") };
        let mut fields = Fields::new(&map);
        let input = read(&mut fields);
        (input, fields.into_errors().fields().map(str::to_owned).collect())
    }

    #[test]
    fn a_preset_fills_in_scheme_and_mapping_unless_given() {
        let (input, errors) = read_json(json!({"preset": "typeform"}));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(input.signature, Some(SignatureScheme::Typeform));
        assert!(input.mapping.flatten().is_some());
        let (input, _) = read_json(json!({"preset": "typeform", "signature": "url_token", "mapping": null}));
        assert_eq!((input.signature, input.mapping), (Some(SignatureScheme::UrlToken), Some(None)));
    }

    #[test]
    fn every_bad_setting_is_named() {
        let (_, errors) = read_json(json!({
            "signature": "svix", "tolerance_seconds": 0, "preset": "zapier", "secret": "short",
            "mapping": {"fields": {"title": {"path": "$["}, "nope": {"path": "$.a"}}}
        }));
        assert_eq!(errors, ["mapping.nope", "mapping.title", "preset", "secret", "signature", "tolerance_seconds"]);
    }

    #[test]
    fn a_standard_secret_must_be_base64_after_whsec() {
        let (_, errors) = read_json(json!({"signature": "standard", "secret": "whsec_not base64!"}));
        assert_eq!(errors, ["secret"]);
        let (_, errors) =
            read_json(json!({"signature": "standard", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}));
        assert!(errors.is_empty(), "{errors:?}");
    }
}
