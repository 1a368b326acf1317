//! The list grammar of `GET /api/hooks`: `where[i][col|expr|val]` (`listquery::where_params`),
//! what a clause means on a hook column (`dispatcher::hooks::where_params`) and the `search`
//! grammar (`dispatcher::hooks::search`), read together as `HookFilter::read` reads a request.
//! Input: a query string, decoded as the server decodes one.
//!
//! Properties: never panics; at most `MAX_WHERE` clauses, each with the `col` and `expr` sent
//! last for its `i` and every `val` sent for it, in order; a refusal names a parameter, and the
//! internal `serde_qs` step never refuses what the grammar let through.

#![no_main]

use chrono::{DateTime, Utc};
use dispatcher::hooks::list_filter::{HookFilter, HookListQuery};
use dispatcher::hooks::search;
use libfuzzer_sys::fuzz_target;
use listquery::where_params::{MAX_WHERE, WhereClause, where_clauses};

fn last<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn check_clause(pairs: &[(String, String)], clause: &WhereClause) {
    let i = &clause.index;
    assert_eq!(last(pairs, &format!("where[{i}][col]")), Some(clause.col.as_str()), "col of {i}");
    assert_eq!(last(pairs, &format!("where[{i}][expr]")), Some(clause.expr.as_str()), "expr of {i}");
    let prefix = format!("where[{i}][val]");
    let values: Vec<&str> = pairs.iter().filter(|(k, _)| k.starts_with(&prefix)).map(|(_, v)| v.as_str()).collect();
    assert_eq!(clause.values, values, "values of {i}");
}

fuzz_target!(|data: &[u8]| {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(data).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    match where_clauses(&pairs) {
        Ok(clauses) => {
            assert!(clauses.len() <= MAX_WHERE);
            for clause in &clauses {
                assert!(!clause.col.is_empty() && !clause.expr.is_empty());
                check_clause(&pairs, clause);
            }
        }
        Err(refusal) => {
            assert!(!refusal.field.is_empty());
            if refusal.field == "where" {
                assert!(refusal.message.starts_with("give at most"), "serde_qs refused: {}", refusal.message);
            }
        }
    }
    if let Some(search_text) = last(&pairs, "search") {
        let _ = search::terms(search_text);
    }
    let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("a valid instant");
    if let Ok(query) = listquery::query::plain::<HookListQuery>(&pairs)
        && let Ok(filter) = HookFilter::read(&query, &pairs, now)
    {
        assert!(filter.conditions.len() <= MAX_WHERE);
    }
});
