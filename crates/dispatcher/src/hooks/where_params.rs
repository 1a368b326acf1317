//! What a `where[i]` clause of `GET /api/hooks` means: its column, its expression and its
//! values read by the column's kind. The key grammar is `listquery::where_params`'.

use api::limits::{beyond_max, out_of_range};
use chrono::DateTime;
use eventlog::sql::Value;
use listquery::{Refusal, WhereClause};

use super::columns::{Kind, where_column};

/// One `where[i]` condition on a hook column (SQL), with its values typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub column: &'static str,
    pub test: Test,
}

/// What a condition tests.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    /// `eq`, `neq`, `lt`, `lte`, `gt`, `gte`: the SQL operator and the value.
    Compare(&'static str, Value),
    /// `like`, `notLike`: the pattern as sent (`%` and `_` are the client's wildcards).
    Like {
        negated: bool,
        pattern: String,
    },
    /// `in`, `notIn`: every value (lists split on commas).
    In {
        negated: bool,
        values: Vec<Value>,
    },
    IsNull,
    IsNotNull,
    IsEmpty,
    IsNotEmpty,
}

const EXPRESSIONS: &str =
    "use eq, neq, lt, lte, gt, gte, like, notLike, in, notIn, isNull, isNotNull, isEmpty or isNotEmpty";

/// The condition a clause states; refused naming `where[i][col]`, `[expr]` or `[val]`.
pub fn condition(clause: &WhereClause) -> Result<Condition, Refusal> {
    let field = format!("where[{}]", clause.index);
    let (column, kind) = where_column(&clause.col)
        .ok_or_else(|| Refusal::new(&format!("{field}[col]"), format!("cannot filter on {:?}", clause.col)))?;
    let value = |text: &str| {
        if kind == Kind::Integer && beyond_max(text) {
            return Err(Refusal::new(&format!("{field}[val]"), out_of_range(text)));
        }
        typed(text, kind).ok_or_else(|| {
            Refusal::new(&format!("{field}[val]"), format!("{text:?} is not a valid value for {}", clause.col))
        })
    };
    let first = || clause.values.first().map(String::as_str).unwrap_or_default();
    let expr = clause.expr.as_str();
    let test = match expr {
        "eq" | "neq" | "lt" | "lte" | "gt" | "gte" => Test::Compare(operator(expr), value(first())?),
        "like" | "notLike" => Test::Like { negated: expr == "notLike", pattern: first().to_owned() },
        "in" | "notIn" => Test::In {
            negated: expr == "notIn",
            values: clause
                .values
                .iter()
                .flat_map(|v| v.split(','))
                .map(|v| value(v.trim()))
                .collect::<Result<_, _>>()?,
        },
        "isNull" => Test::IsNull,
        "isNotNull" => Test::IsNotNull,
        "isEmpty" => Test::IsEmpty,
        "isNotEmpty" => Test::IsNotEmpty,
        other => {
            return Err(Refusal::new(
                &format!("{field}[expr]"),
                format!("{other:?} is not an expression; {EXPRESSIONS}"),
            ));
        }
    };
    Ok(Condition { column, test })
}

fn operator(expr: &str) -> &'static str {
    match expr {
        "eq" => "=",
        "neq" => "<>",
        "lt" => "<",
        "lte" => "<=",
        "gt" => ">",
        _ => ">=",
    }
}

/// A value as its column's kind stores it; `None` when it does not read as that kind.
fn typed(text: &str, kind: Kind) -> Option<Value> {
    match kind {
        Kind::Text => Some(Value::Text(text.to_owned())),
        Kind::Integer => text.trim().parse::<i64>().ok().map(Value::Integer),
        Kind::Flag => listquery::flag(text).map(|flag| Value::Integer(i64::from(flag))),
        Kind::Time => DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.timestamp_micros())
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S")
                    .map(|t| t.and_utc().timestamp_micros())
            })
            .ok()
            .map(Value::Integer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(col: &str, expr: &str, values: &[&str]) -> WhereClause {
        WhereClause {
            index: "0".into(),
            col: col.into(),
            expr: expr.into(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn given_comparisons_when_read_then_typed_by_the_column() {
        let test = |col, expr, values: &[&str]| condition(&clause(col, expr, values)).unwrap().test;
        assert_eq!(test("id", "lte", &[" 2 "]), Test::Compare("<=", Value::Integer(2)));
        assert_eq!(test("isPublished", "eq", &["true"]), Test::Compare("=", Value::Integer(1)));
        assert_eq!(test("dateAdded", "gt", &["1970-01-01 00:00:01"]), Test::Compare(">", Value::Integer(1_000_000)));
        assert_eq!(test("name", "neq", &[" beta"]), Test::Compare("<>", Value::Text(" beta".into())));
        assert_eq!(test("name", "notLike", &["%am%"]), Test::Like { negated: true, pattern: "%am%".into() });
        assert_eq!(
            test("id", "notIn", &["1, 3", "4"]),
            Test::In { negated: true, values: vec![Value::Integer(1), Value::Integer(3), Value::Integer(4)] }
        );
        assert_eq!(test("description", "isEmpty", &[]), Test::IsEmpty);
    }

    #[test]
    fn given_a_bad_clause_when_read_then_refused_naming_its_part() {
        let field = |col, expr, values: &[&str]| condition(&clause(col, expr, values)).unwrap_err().field;
        assert_eq!(field("secret", "eq", &["a"]), "where[0][col]");
        assert_eq!(field("name", "between", &["a"]), "where[0][expr]");
        assert_eq!(field("id", "eq", &["abc"]), "where[0][val]");
        assert_eq!(field("id", "in", &["1,18446744073709551615"]), "where[0][val]");
        assert_eq!(field("isPublished", "eq", &["maybe"]), "where[0][val]");
    }
}
