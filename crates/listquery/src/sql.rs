//! The one `WHERE` builder of every list query (deals, contacts, hooks): conditions with `?`
//! placeholders, joined by `AND`, and their parameters in the same order.

use eventlog::sql::Value;

/// `WHERE` conditions and their parameters.
#[derive(Clone, Debug, Default)]
pub struct Where {
    conditions: Vec<String>,
    params: Vec<Value>,
}

impl Where {
    /// Adds a condition with `?` placeholders and their values, in order.
    pub fn push(&mut self, condition: &str, values: impl IntoIterator<Item = Value>) {
        self.conditions.push(condition.to_owned());
        self.params.extend(values);
    }

    /// Adds `<subject> [NOT ]IN (?, …)` over `values`; an empty list reads as `IN (<empty>)`,
    /// one placeholder holding `empty`, which no row matches.
    pub fn push_in(&mut self, subject: &str, negated: bool, values: Vec<Value>, empty: Value) {
        let not = if negated { "NOT " } else { "" };
        let marks = vec!["?"; values.len().max(1)].join(", ");
        let values = if values.is_empty() { vec![empty] } else { values };
        self.push(&format!("{subject} {not}IN ({marks})"), values);
    }

    /// ` WHERE a AND b`, or nothing.
    pub fn sql(&self) -> String {
        if self.conditions.is_empty() { String::new() } else { format!(" WHERE {}", self.conditions.join(" AND ")) }
    }

    /// The parameters, in placeholder order.
    pub fn params(&self) -> &[Value] {
        &self.params
    }
}

/// A text parameter.
pub fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

/// An integer parameter (ids reach at most `i64::MAX`).
pub fn int(value: u64) -> Value {
    Value::Integer(i64::try_from(value).unwrap_or(i64::MAX))
}

/// `LIKE` pattern text with `%`, `_` and `\` escaped (use with `ESCAPE '\'`).
pub fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_no_condition_when_built_then_no_where() {
        assert_eq!(Where::default().sql(), "");
    }

    #[test]
    fn given_conditions_when_built_then_joined_by_and_with_params_in_order() {
        let mut conditions = Where::default();
        conditions.push("a = ?", [int(1)]);
        conditions.push_in("b", true, vec![text("x"), text("y")], Value::Null);
        conditions.push_in("c", false, Vec::new(), Value::Integer(-1));
        assert_eq!(conditions.sql(), " WHERE a = ? AND b NOT IN (?, ?) AND c IN (?)");
        assert_eq!(conditions.params(), [int(1), text("x"), text("y"), Value::Integer(-1)]);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
