//! Helpers for reading rows: typed conversion failures, search needles, and a page of a list
//! with its total.

use api::{Order, Page};
use eventlog::sql::Value;
use eventlog::sql::{Db, Row};
use listquery::Where;

/// A stored value that does not parse as its type (a bug or a corrupt file, never user input).
pub fn invalid(index: usize, what: &str) -> eventlog::sql::SqlError {
    eventlog::sql::SqlError::Invalid(format!("column {index}: stored {what} does not parse"))
}

/// The parameter that a search's `instr(search_text, ?) > 0` looks for: the text folded as
/// `lower()` folds the stored `search_text` columns (ASCII only, as `LIKE` folded before).
pub fn search_needle(search: &str) -> Value {
    Value::Text(search.to_ascii_lowercase())
}

/// The total of a list when its page alone tells it, so the list needs no second scan to count.
///
/// A page shorter than its limit is the last one: everything matching is the rows before it
/// (`start`) plus the rows on it. An empty page past the start tells nothing (the list may be
/// shorter than `start`), nor does a full page.
pub fn total_from_page(page: Page, rows: usize) -> Option<u64> {
    let rows = rows as u64;
    let last_page = rows < page.limit && (rows > 0 || page.start == 0);
    last_page.then_some(page.start + rows)
}

/// The SQL of one list: `select` ends before `WHERE`, `count_from` is the table (with its alias)
/// that a count scans, and `id` is the unique column that breaks ties in the order.
pub struct ListSql<'a> {
    pub select: &'a str,
    pub count_from: &'a str,
    pub id: &'a str,
}

/// A page of rows and the total matching `conditions`: the page first, then a count only when
/// the page cannot tell it (see [`total_from_page`]), so a rare search scans the table once.
pub fn page_and_total<T>(
    conn: &Db<'_>,
    list: ListSql<'_>,
    conditions: &Where,
    order: Order,
    page: Page,
    read: impl FnMut(&Row<'_>) -> eventlog::sql::Result<T>,
) -> eventlog::sql::Result<(u64, Vec<T>)> {
    let sql = format!(
        "{}{} ORDER BY {}, {} LIMIT {} OFFSET {}",
        list.select,
        conditions.sql(),
        order.sql(),
        list.id,
        page.limit,
        page.start
    );
    let rows: Vec<T> = conn
        .prepare(&sql)?
        .query_map(eventlog::sql::params_from_iter(conditions.params()), read)?
        .collect::<Result<_, _>>()?;
    let total = match total_from_page(page, rows.len()) {
        Some(total) => total,
        None => conn
            .prepare(&format!("SELECT count(*) FROM {}{}", list.count_from, conditions.sql()))?
            .query_row(eventlog::sql::params_from_iter(conditions.params()), |row| row.get(0))?,
    };
    Ok((total, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(start: u64, limit: u64) -> Page {
        Page { start, limit }
    }

    #[test]
    fn a_short_first_page_is_the_whole_list() {
        assert_eq!(total_from_page(page(0, 30), 7), Some(7));
    }

    #[test]
    fn an_empty_first_page_means_nothing_matches() {
        assert_eq!(total_from_page(page(0, 30), 0), Some(0));
    }

    #[test]
    fn a_short_later_page_counts_the_rows_before_it() {
        assert_eq!(total_from_page(page(60, 30), 5), Some(65));
    }

    #[test]
    fn a_full_page_needs_a_count() {
        assert_eq!(total_from_page(page(0, 30), 30), None);
        assert_eq!(total_from_page(page(90, 30), 30), None);
    }

    #[test]
    fn an_empty_page_past_the_start_needs_a_count() {
        assert_eq!(total_from_page(page(500, 30), 0), None);
    }
}
