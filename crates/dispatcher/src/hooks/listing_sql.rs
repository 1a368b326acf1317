//! A [`HookFilter`] as SQL over `hooks h`, built with the `WHERE` builder every list query
//! shares.

use eventlog::sql::Value;
use listquery::{Where, like_pattern};

use super::list_filter::HookFilter;
use super::search::Term;
use super::where_params::{Condition, Test};

/// The conditions of a filter, in order: search terms, the publish window, `where` clauses.
pub fn where_of(filter: &HookFilter) -> Where {
    let mut sql = Where::default();
    for term in &filter.terms {
        push_term(&mut sql, term);
    }
    if let Some(now) = filter.published_at {
        let now = now.timestamp_micros();
        sql.push(
            "h.is_published = 1 AND (h.publish_up IS NULL OR h.publish_up <= ?) AND (h.publish_down IS NULL OR h.publish_down > ?)",
            [Value::Integer(now), Value::Integer(now)],
        );
    }
    for condition in &filter.conditions {
        push_condition(&mut sql, condition);
    }
    sql
}

fn not(negated: bool) -> &'static str {
    if negated { "NOT " } else { "" }
}

fn push_term(sql: &mut Where, term: &Term) {
    match term {
        Term::Ids { negated, ids } => {
            sql.push_in("h.id", *negated, ids.iter().map(|id| Value::Integer(*id)).collect(), Value::Integer(-1));
        }
        Term::Published(published) => sql.push(&format!("h.is_published = {}", u8::from(*published)), []),
        Term::Category { negated, alias } => sql.push(
            &format!("h.category_id {}IN (SELECT id FROM categories WHERE alias = ?)", not(*negated)),
            [Value::Text(alias.clone())],
        ),
        Term::Text { negated, text } => {
            let pattern = Value::Text(like_pattern(text));
            sql.push(
                &format!(
                    "{}(lower(h.name) LIKE lower(?) ESCAPE '\\' OR lower(coalesce(h.description, '')) LIKE lower(?) ESCAPE '\\')",
                    not(*negated)
                ),
                [pattern.clone(), pattern],
            );
        }
    }
}

fn push_condition(sql: &mut Where, Condition { column, test }: &Condition) {
    match test {
        Test::Compare(op, value) => sql.push(&format!("{column} {op} ?"), [value.clone()]),
        Test::Like { negated, pattern } => {
            sql.push(
                &format!("lower(coalesce({column}, '')) {}LIKE lower(?)", not(*negated)),
                [Value::Text(pattern.clone())],
            );
        }
        Test::In { negated, values } => sql.push_in(column, *negated, values.clone(), Value::Null),
        Test::IsNull => sql.push(&format!("{column} IS NULL"), []),
        Test::IsNotNull => sql.push(&format!("{column} IS NOT NULL"), []),
        Test::IsEmpty => sql.push(&format!("({column} IS NULL OR {column} = '')"), []),
        Test::IsNotEmpty => sql.push(&format!("({column} IS NOT NULL AND {column} <> '')"), []),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn given_every_kind_of_condition_when_built_then_one_where_in_order() {
        let filter = HookFilter {
            terms: vec![
                Term::Ids { negated: true, ids: vec![] },
                Term::Published(false),
                Term::Category { negated: false, alias: "ops".into() },
                Term::Text { negated: true, text: "50%".into() },
            ],
            published_at: Some(Utc.timestamp_opt(1, 0).unwrap()),
            conditions: vec![
                Condition { column: "h.id", test: Test::In { negated: false, values: vec![] } },
                Condition { column: "h.name", test: Test::IsNotEmpty },
            ],
        };
        let sql = where_of(&filter);
        assert_eq!(
            sql.sql(),
            " WHERE h.id NOT IN (?) AND h.is_published = 0 AND h.category_id IN (SELECT id FROM categories WHERE alias = ?) \
             AND NOT (lower(h.name) LIKE lower(?) ESCAPE '\\' OR lower(coalesce(h.description, '')) LIKE lower(?) ESCAPE '\\') \
             AND h.is_published = 1 AND (h.publish_up IS NULL OR h.publish_up <= ?) AND (h.publish_down IS NULL OR h.publish_down > ?) \
             AND h.id IN (?) AND (h.name IS NOT NULL AND h.name <> '')"
        );
        assert_eq!(
            sql.params(),
            [
                Value::Integer(-1),
                Value::Text("ops".into()),
                Value::Text("%50\\%%".into()),
                Value::Text("%50\\%%".into()),
                Value::Integer(1_000_000),
                Value::Integer(1_000_000),
                Value::Null
            ]
        );
    }
}
