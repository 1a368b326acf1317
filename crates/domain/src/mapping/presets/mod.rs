//! Presets: a known sender's signature scheme and a mapping that works on its real payload,
//! filled in when a source is created with `preset`. The user can edit the mapping afterwards.
//!
//! Each preset lives in its own file as data. Signature schemes are named as the signature
//! module names them (`typeform`, `stripe`, `url_token`…).

mod calendly;
mod dealhub;
mod form;
mod mautic;
mod shopify;
mod standard;
mod stripe;
mod typeform;

use serde::Serialize;
use serde_json::Value;

use super::{Mapping, MappingError, MappingSpec};

/// A known sender.
#[derive(Clone, Debug, Serialize)]
pub struct Preset {
    /// What `POST /api/sources/new {preset}` takes (`typeform`).
    pub name: &'static str,
    /// For people (`Typeform form submissions`).
    pub label: &'static str,
    /// The signature scheme the source gets.
    pub signature: &'static str,
    /// The sender's own webhook documentation.
    pub docs_url: &'static str,
    /// The mapping the source gets.
    pub mapping: MappingSpec,
}

impl Preset {
    /// The preset's mapping, compiled.
    pub fn compile(&self) -> Result<Mapping, MappingError> {
        Mapping::compile(self.mapping.clone())
    }
}

/// Every preset, in the order `GET /api/sources/presets` lists them.
pub fn all() -> Vec<Preset> {
    vec![
        typeform::preset(),
        stripe::preset(),
        calendly::preset(),
        shopify::preset(),
        standard::preset(),
        mautic::preset(),
        form::preset(),
        dealhub::preset(),
    ]
}

/// The preset called `name`.
pub fn find(name: &str) -> Option<Preset> {
    all().into_iter().find(|preset| preset.name == name)
}

/// Reads a preset's mapping. The presets are this crate's own constants, and a unit test
/// compiles every one, so a broken preset fails the build's tests, not a request.
fn spec(json: Value) -> MappingSpec {
    MappingSpec::deserialize_from(&json).unwrap_or_else(|error| panic!("a preset mapping is malformed: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_compiles_and_names_its_docs() {
        let presets = all();
        let names: Vec<_> = presets.iter().map(|preset| preset.name).collect();
        assert_eq!(names, ["typeform", "stripe", "calendly", "shopify", "standard", "mautic", "form", "dealhub"]);
        for preset in presets {
            preset.compile().unwrap_or_else(|error| panic!("{}: {error}", preset.name));
            assert!(preset.docs_url.starts_with("https://"), "{}", preset.name);
            assert!(find(preset.name).is_some());
        }
        assert!(find("zapier").is_none());
    }
}
