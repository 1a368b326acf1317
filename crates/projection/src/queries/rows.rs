//! Helpers for reading rows: typed conversion failures and dynamic `WHERE` clauses.

use rusqlite::types::{Type, Value};

/// A stored value that does not parse as its type (a bug or a corrupt file, never user input).
pub fn invalid(index: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, Type::Text, format!("stored {what} does not parse").into())
}

/// `WHERE` conditions and their parameters, built from optional filters.
#[derive(Default)]
pub struct Conditions {
    clauses: Vec<String>,
    pub params: Vec<Value>,
}

impl Conditions {
    /// Adds a condition with `?` placeholders and their values.
    pub fn push(&mut self, clause: &str, values: impl IntoIterator<Item = Value>) {
        self.clauses.push(clause.to_owned());
        self.params.extend(values);
    }

    /// ` WHERE a AND b`, or nothing.
    pub fn sql(&self) -> String {
        if self.clauses.is_empty() { String::new() } else { format!(" WHERE {}", self.clauses.join(" AND ")) }
    }
}

/// A text parameter.
pub fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

/// An integer parameter.
pub fn int(value: u64) -> Value {
    Value::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}
