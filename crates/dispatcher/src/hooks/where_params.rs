//! The `where[i][col|expr|val]` parameters of `GET /api/hooks`, as Mautic's API takes them:
//! the key grammar, grouped into one clause per `i`. What a clause means is
//! the hook listing's to say.

use std::collections::BTreeMap;

use api::{ApiError, ListParams};

/// One `where[i]` condition.
pub struct WhereClause {
    pub index: String,
    pub col: String,
    pub expr: String,
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

/// Groups `where[i][col]`, `where[i][expr]`, `where[i][val]` (and `where[i][val][]`) by `i`;
/// at most [`MAX_WHERE`] clauses.
pub fn where_clauses(params: &ListParams) -> Result<Vec<WhereClause>, ApiError> {
    let mut clauses: BTreeMap<String, WhereClause> = BTreeMap::new();
    for (key, value) in params.pairs() {
        if !key.starts_with("where[") {
            continue;
        }
        let shown = domain::clip::clip(key, 80).into_owned();
        let Some((index, part)) = where_key(key) else {
            return Err(ApiError::bad_field(
                &shown,
                "use where[i][col], where[i][expr], where[i][val] and where[i][val][] (i a number)",
            ));
        };
        if !clauses.contains_key(index) && clauses.len() == MAX_WHERE {
            return Err(ApiError::bad_field("where", format!("give at most {MAX_WHERE} conditions")));
        }
        let clause = clauses.entry(index.to_owned()).or_insert_with(|| WhereClause {
            index: index.to_owned(),
            col: String::new(),
            expr: String::new(),
            values: Vec::new(),
        });
        match part {
            Part::Col => clause.col = value.clone(),
            Part::Expr => clause.expr = value.clone(),
            Part::Val => clause.values.push(value.clone()),
        }
    }
    for clause in clauses.values() {
        if clause.col.is_empty() || clause.expr.is_empty() {
            return Err(ApiError::bad_field(&format!("where[{}]", clause.index), "needs both col and expr"));
        }
    }
    Ok(clauses.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
