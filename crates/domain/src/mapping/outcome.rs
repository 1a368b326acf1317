//! What applying a mapping to a body produced: the SPEC §5 payload for the inbound parser,
//! where each field came from (for the "try a sample body" preview) and notes for the request
//! log.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use super::rule::Origin;

/// The result of mapping one body. The payload still has to pass SPEC §5's validation
/// (`InboundPayload::parse`), which reports bad values per field as for an unmapped body.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MappedOutcome {
    /// SPEC §5's payload: `{"title", "amount", "contact": {…}, "custom_fields": {…}, …}`.
    pub payload: Map<String, Value>,
    /// The sender's delivery id, from the `idempotency_key` rule, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// One entry per rule, in field order.
    pub fields: Vec<FieldTrace>,
    /// What the mapping could not do (`stage: no entry for quoteDraft in the table`).
    pub notes: Vec<Note>,
}

/// Where one field's value came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldTrace {
    /// The target field (`contact.email`).
    pub field: String,
    /// The rule's path, template or constant.
    pub from: Origin,
    /// The lookup table the value passed through (`{"quoteWon": "Won", …}`), when the rule has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<Arc<BTreeMap<String, Value>>>,
    /// What the rule found, before table and coercion; `null` when it found nothing.
    pub raw: Option<Value>,
    /// What went into the payload; `null` when the field is absent.
    pub value: Option<Value>,
}

/// Something the request log and the preview should say about one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub field: String,
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl MappedOutcome {
    /// A source without a mapping: the body is SPEC §5's payload as it is.
    pub fn unmapped(body: Map<String, Value>) -> Self {
        Self { payload: body, ..Self::default() }
    }
}
