//! The admin commands of SPEC §6 as write units, with the parsing of their input. Each answers
//! what it wrote and the log position its effects are at, so that callers can wait for the read
//! models to catch up (read-your-writes).

pub mod contacts;
pub mod deals;
pub mod pipelines;

use api::Fields;
use serde_json::Value;

/// The outcome of a command: the entity it concerned and the log's head after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written<T> {
    pub id: T,
    /// Every event of the command is at or before this position.
    pub position: u64,
}

/// The objects of an array field, each parsed with `read`; errors are named `field[i].name`.
fn each_object<T>(fields: &mut Fields<'_>, name: &str, read: impl Fn(&mut Fields<'_>) -> Option<T>) -> Option<Vec<T>> {
    let Some(Value::Array(items)) = fields.value(name) else {
        if fields.value(name).is_some() {
            fields.error(name, "must be an array of objects");
        }
        return None;
    };
    let mut parsed = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Value::Object(map) = item else {
            fields.error(&format!("{name}[{index}]"), "must be an object");
            continue;
        };
        match Fields::parse_object(map, &read) {
            Ok(value) => parsed.push(value),
            Err(errors) => fields.nested(&format!("{name}[{index}]"), errors),
        }
    }
    (parsed.len() == items.len()).then_some(parsed)
}
