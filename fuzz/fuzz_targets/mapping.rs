//! Inbound mappings (`domain::mapping`): a source's `mapping` JSON compiled (JSONPaths,
//! MiniJinja templates, lookup tables, coercion settings) and applied to a body. Input: the
//! mapping's JSON, a line `---`, the body's JSON (without the line, the input is a body for
//! the presets only).
//!
//! Properties: parsing and applying never panic; a mapping — the fuzzed one and every preset —
//! maps a body read only along what it reads (`Reads::parse`) exactly as the whole body.

#![no_main]

use std::sync::LazyLock;

use domain::mapping::{Mapping, presets};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

static PRESETS: LazyLock<Vec<Mapping>> =
    LazyLock::new(|| presets::all().iter().map(|preset| preset.compile().expect("presets compile")).collect());

fn split(data: &[u8]) -> (Option<&[u8]>, &[u8]) {
    match data.windows(5).position(|w| w == b"\n---\n") {
        Some(at) => (Some(&data[..at]), &data[at + 5..]),
        None => (None, data),
    }
}

/// The body built only along what `mapping` reads maps as the whole body does.
fn maps_alike(mapping: &Mapping, whole: &Value, text: &[u8]) {
    let whole_outcome = mapping.apply(whole);
    if let Ok(read) = mapping.reads().parse(text) {
        assert_eq!(mapping.apply(&read), whole_outcome, "reads {:?} of {whole}", mapping.reads());
    }
}

fuzz_target!(|data: &[u8]| {
    let (spec, text) = split(data);
    let fuzzed =
        spec.and_then(|spec| serde_json::from_slice::<Value>(spec).ok()).and_then(|json| Mapping::parse(&json).ok());
    let Ok(whole) = serde_json::from_slice::<Value>(text) else { return };
    if let Some(mapping) = &fuzzed {
        maps_alike(mapping, &whole, text);
    }
    for preset in PRESETS.iter() {
        maps_alike(preset, &whole, text);
    }
});
