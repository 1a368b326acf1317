//! The senders `dealflow-bench ingest --preset` can play: the plain scheme of SPEC §5, and a
//! real sender's body through a source preset's mapping.

use clap::ValueEnum;
use domain::signature::SignatureScheme;
use serde_json::{Value, json};

use crate::plain::payloads;
use crate::typeform;

/// Which sender a run plays: how its source is created, what it sends and how it signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// SPEC §5's payload signed with `X-DealFlow-Signature`, to a source with no preset.
    Dealflow,
    /// Typeform `form_response` bodies signed with `Typeform-Signature`, to a source created
    /// with the `typeform` preset (so every request goes through its mapping).
    Typeform,
}

impl Preset {
    /// The name used on the command line, in the table and in the JSON line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Dealflow => "dealflow",
            Self::Typeform => "typeform",
        }
    }

    pub fn scheme(self) -> SignatureScheme {
        match self {
            Self::Dealflow => SignatureScheme::Dealflow,
            Self::Typeform => SignatureScheme::Typeform,
        }
    }

    /// The body of `POST /api/sources/new` for this sender's source.
    pub fn new_source(self) -> Value {
        match self {
            Self::Dealflow => json!({ "name": "bench", "default_pipeline_id": 1 }),
            Self::Typeform => json!({ "name": "bench-typeform", "preset": "typeform" }),
        }
    }

    /// The `Idempotency-Key` header the plain sender sends with request `index`: a real sender
    /// keys its deliveries, as Typeform's `event_id` (which its preset maps to the key) does, so
    /// both senders make the server do the same idempotency work.
    pub fn idempotency_header(self, index: usize) -> Option<String> {
        match self {
            Self::Dealflow => Some(format!("bench-{}-{index}", uuid::Uuid::new_v4())),
            Self::Typeform => None,
        }
    }

    /// `count` bodies as this sender sends them, a share (0–1) with a returning contact.
    pub fn payloads(self, count: usize, existing_contacts: f64, run: usize) -> anyhow::Result<Vec<String>> {
        match self {
            Self::Dealflow => Ok(payloads(count, existing_contacts, run)),
            Self::Typeform => typeform::payloads(count, existing_contacts, run),
        }
    }
}
