//! Upcasters: each turns one type's data from schema `n` into schema `n + 1`.
//!
//! Events are never rewritten in the log; old data is upgraded every time it is read.

use std::borrow::Cow;

use serde_json::{Value, json};

use super::DecodeError;

/// Turns data from schema `n` of a type into schema `n + 1`.
type Upcaster = fn(Value) -> Value;

/// The known upcasters, by type and the schema they read.
const UPCASTERS: &[(&str, u32, Upcaster)] = &[("deal.note_added", 1, note_added_v1_to_v2)];

/// `deal.note_added` schema 1 held `{note_id, text}`; schema 2 nests them as `{note: {id, text}}`.
fn note_added_v1_to_v2(data: Value) -> Value {
    json!({ "note": { "id": data.get("note_id").cloned().unwrap_or(Value::Null),
                      "text": data.get("text").cloned().unwrap_or(Value::Null) } })
}

/// The data in the newest schema: borrowed when it already is, upcast step by step otherwise.
pub fn to_current<'a>(event_type: &str, schema: u32, newest: u32, data: &'a str) -> Result<Cow<'a, str>, DecodeError> {
    if schema == newest {
        return Ok(Cow::Borrowed(data));
    }
    let bad = |source| DecodeError::BadData { event_type: event_type.to_owned(), source };
    let mut value: Value = serde_json::from_str(data).map_err(bad)?;
    for from in schema..newest {
        let step = UPCASTERS
            .iter()
            .find(|(name, reads, _)| *name == event_type && *reads == from)
            .map(|(_, _, upcaster)| upcaster)
            .ok_or_else(|| DecodeError::UnknownSchema { event_type: event_type.to_owned(), schema, newest })?;
        value = step(value);
    }
    Ok(Cow::Owned(value.to_string()))
}

#[cfg(test)]
mod tests {
    use crate::events::DomainEvent;
    use crate::ids::NoteId;

    #[test]
    fn a_schema_1_note_reads_as_the_current_shape() {
        let event = DomainEvent::decode("deal.note_added", 1, r#"{"note_id": 5, "text": "Called Jane"}"#).unwrap();
        let DomainEvent::DealNoteAdded(added) = event else { panic!("wrong variant") };
        assert_eq!(added.note.id, NoteId(5));
        assert_eq!(added.note.text, "Called Jane");
    }
}
