//! The `where[i][col|expr|val]` parameters, as Mautic's API takes them: the key grammar,
//! bounded, then read by `serde_qs` into one [`WhereClause`] per `i`. What a clause means is
//! the route's to say.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::Refusal;
use crate::query::deserialize;

/// One `where[i]` condition as sent: `index` is the `i` as written, `values` every
/// `where[i][val]` (or `[val][]`, `[val][n]`) in the order sent; `col` and `expr` the last sent.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct WhereClause {
    pub index: String,
    #[serde(default)]
    pub col: String,
    #[serde(default)]
    pub expr: String,
    #[serde(default, rename = "val")]
    pub values: Vec<String>,
}

/// The most `where[i]` conditions one query may hold.
pub const MAX_WHERE: usize = 20;

/// Which part of a clause a `where[…]` key names.
#[derive(Debug, PartialEq, Eq)]
enum Part {
    Col,
    Expr,
    Val,
}

/// Reads `where[i][col]`, `where[i][expr]`, `where[i][val]`, `where[i][val][]` or
/// `where[i][val][n]` (`i` and `n` at most 4 digits); anything else — deeper nesting included —
/// is not the grammar.
fn where_key(key: &str) -> Option<(&str, Part)> {
    let rest = key.strip_prefix("where[")?;
    let (index, rest) = rest.split_once("][")?;
    let short_number = |text: &str| (1..=4).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    if !short_number(index) {
        return None;
    }
    let part = match rest {
        "col]" => Part::Col,
        "expr]" => Part::Expr,
        "val]" | "val][]" => Part::Val,
        _ => {
            let n = rest.strip_prefix("val][")?.strip_suffix(']')?;
            if !short_number(n) {
                return None;
            }
            Part::Val
        }
    };
    Some((index, part))
}

/// The `where[…]` pairs of a query, one clause per `i` in the text order of the `i`s; at most
/// [`MAX_WHERE`] clauses, each with both `col` and `expr`. Refuses the first key outside the
/// grammar (named, clipped to 80 characters), a 21st clause (`where`), and a clause without
/// `col` or `expr` (`where[i]`).
pub fn where_clauses(pairs: &[(String, String)]) -> Result<Vec<WhereClause>, Refusal> {
    let grouped = group(pairs)?;
    let canonical: Vec<(String, String)> = grouped
        .iter()
        .enumerate()
        .flat_map(|(k, (index, (col, expr, values)))| {
            let mut keys = vec![(format!("where[{k}][index]"), (*index).to_owned())];
            keys.extend(col.map(|col| (format!("where[{k}][col]"), col.to_owned())));
            keys.extend(expr.map(|expr| (format!("where[{k}][expr]"), expr.to_owned())));
            keys.extend(
                values.iter().enumerate().map(|(n, value)| (format!("where[{k}][val][{n}]"), (*value).to_owned())),
            );
            keys
        })
        .collect();
    #[derive(Deserialize)]
    struct Wheres {
        #[serde(default, rename = "where")]
        clauses: Vec<WhereClause>,
    }
    let Wheres { clauses } = deserialize(&canonical, "where")?;
    for clause in &clauses {
        if clause.col.is_empty() || clause.expr.is_empty() {
            return Err(Refusal::new(&format!("where[{}]", clause.index), "needs both col and expr"));
        }
    }
    Ok(clauses)
}

/// (col, expr, values) of one `i`: the last col and expr sent, every value in order.
type Parts<'a> = (Option<&'a str>, Option<&'a str>, Vec<&'a str>);

/// The `where[…]` pairs grouped by `i`, checked against the grammar and the bound in order.
fn group(pairs: &[(String, String)]) -> Result<BTreeMap<&str, Parts<'_>>, Refusal> {
    let mut clauses: BTreeMap<&str, Parts<'_>> = BTreeMap::new();
    for (key, value) in pairs {
        if !key.starts_with("where[") {
            continue;
        }
        let Some((index, part)) = where_key(key) else {
            return Err(Refusal::new(
                &domain::clip::clip(key, 80),
                "use where[i][col], where[i][expr], where[i][val] and where[i][val][] (i a number)",
            ));
        };
        if !clauses.contains_key(index) && clauses.len() == MAX_WHERE {
            return Err(Refusal::new("where", format!("give at most {MAX_WHERE} conditions")));
        }
        let clause = clauses.entry(index).or_default();
        match part {
            Part::Col => clause.0 = Some(value),
            Part::Expr => clause.1 = Some(value),
            Part::Val => clause.2.push(value),
        }
    }
    Ok(clauses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn the_where_grammar_takes_only_its_own_keys() {
        assert_eq!(where_key("where[0][col]"), Some(("0", Part::Col)));
        assert_eq!(where_key("where[12][expr]"), Some(("12", Part::Expr)));
        assert_eq!(where_key("where[0][val][]"), Some(("0", Part::Val)));
        assert_eq!(where_key("where[0][val][3]"), Some(("0", Part::Val)));
        for key in [
            "where[0][val][x]",
            "where[0][val][0][0]",
            "where[x][col]",
            "where[0][cols]",
            "where[0]",
            "where[99999][col]",
        ] {
            assert_eq!(where_key(key), None, "{key}");
        }
        let deep = format!("where[0][val]{}", "[x]".repeat(5000));
        assert_eq!(where_key(&deep), None);
    }

    #[test]
    fn given_clauses_in_any_key_order_when_read_then_one_per_index_in_text_order() {
        let read = where_clauses(&pairs(&[
            ("where[10][col]", "name"),
            ("where[2][col]", "id"),
            ("where[2][expr]", "in"),
            ("where[2][val]", "1"),
            ("where[2][val][]", "2 3"),
            ("where[2][val][7]", "a&b=c"),
            ("where[10][expr]", "isNull"),
            ("where[10][col]", "description"),
            ("search", "x"),
        ]))
        .unwrap();
        assert_eq!(
            read,
            [
                WhereClause { index: "10".into(), col: "description".into(), expr: "isNull".into(), values: vec![] },
                WhereClause {
                    index: "2".into(),
                    col: "id".into(),
                    expr: "in".into(),
                    values: vec!["1".into(), "2 3".into(), "a&b=c".into()]
                },
            ]
        );
    }

    #[test]
    fn given_a_bad_key_too_many_clauses_or_a_half_clause_when_read_then_refused_by_name() {
        let field = |list: Vec<(String, String)>| where_clauses(&list).unwrap_err().field;
        assert_eq!(field(pairs(&[("where[0][col]", "id"), ("where[0][cols]", "x")])), "where[0][cols]");
        assert_eq!(field(pairs(&[("where[01][col]", "id")])), "where[01]");
        let clause = |i: usize| pairs(&[(&format!("where[{i}][col]"), "id"), (&format!("where[{i}][expr]"), "isNull")]);
        assert_eq!(where_clauses(&(0..MAX_WHERE).flat_map(clause).collect::<Vec<_>>()).map(|c| c.len()), Ok(MAX_WHERE));
        assert_eq!(field((0..=MAX_WHERE).flat_map(clause).collect()), "where");
        let long = format!("where[0]{}", "[x]".repeat(100));
        assert_eq!(field(vec![(long.clone(), "1".into())]).chars().count(), 80);
    }
}
