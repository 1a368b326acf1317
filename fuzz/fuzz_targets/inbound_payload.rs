//! The receive endpoint's body reading (`ingest::inbound::parse`) and payload parsing
//! (`ingest::InboundPayload::parse`). Input: the `Content-Type` on the first line (`GET` for a
//! query-string request, whose query is the rest), then the decoded body.
//!
//! Properties: never panics; a body is read the same whether or not a mapping says what it
//! reads: where the whole body is an object, the body built along a preset's reads is too, and
//! the preset maps both alike; every field error names a member of the payload.

#![no_main]

use std::sync::LazyLock;

use domain::mapping::{Mapping, presets};
use ingest::inbound::InboundPayload;
use ingest::inbound::parse::{Carrier, mapped_object, object};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

static PRESETS: LazyLock<Vec<Mapping>> =
    LazyLock::new(|| presets::all().iter().map(|preset| preset.compile().expect("presets compile")).collect());

fuzz_target!(|data: &[u8]| {
    let at = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let Ok(label) = std::str::from_utf8(&data[..at]) else { return };
    let text = data.get(at + 1..).unwrap_or_default();
    let (carrier, body, query) = match label {
        "GET" => match std::str::from_utf8(text) {
            Ok(query) => (Carrier::Query, &[][..], query),
            Err(_) => return,
        },
        content_type => (Carrier::Body { content_type }, text, ""),
    };
    let Ok(map) = object(carrier, body, query) else { return };
    let (_, errors) = InboundPayload::parse(&map);
    for field in errors.fields() {
        let member = field.split(['.', '[']).next().unwrap_or_default();
        assert!(map.contains_key(member), "an error for {field}, which is not in the body");
    }
    let whole = Value::Object(map);
    for preset in PRESETS.iter() {
        let read = mapped_object(carrier, body, query, preset.reads());
        let read =
            read.unwrap_or_else(|error| panic!("the whole body reads, along {:?} not: {error:?}", preset.reads()));
        let mapped = preset.apply(&Value::Object(read));
        assert_eq!(mapped, preset.apply(&whole));
        let _ = InboundPayload::parse(&mapped.payload);
    }
});
