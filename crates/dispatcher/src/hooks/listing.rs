//! `GET /api/hooks` parameters, as Mautic's API takes them: `search` (see [`super::search`]),
//! `start`, `limit`, `orderBy`, `orderByDir`, `published`/`publishedOnly`, `minimal`, and
//! `where[i][col|expr|val]` (see [`super::where_params`]).
//!
//! Read in three steps: the query string into a [`HookListQuery`] (`serde_qs`), that into a
//! [`HookFilter`] (each value checked once, [`super::list_filter`]), and the filter into SQL
//! ([`super::listing_sql`]).

use api::{ApiError, ListParams, Order, Page};
use chrono::{DateTime, Utc};
use eventlog::sql::Value;
use listquery::Where;
use listquery::flag::flag_parameter;
use listquery::page::{order, page};

use super::columns::{ORDER_COLUMNS, column_name};
use super::list_filter::{HookFilter, HookListQuery};
use super::listing_sql::where_of;

/// A parsed `GET /api/hooks` query.
pub struct HookQuery {
    filter: Where,
    pub order: Order,
    pub page: Page,
    pub minimal: bool,
}

impl HookQuery {
    /// Parses the parameters; a bad one is 400 naming it (checked in the order `orderBy`,
    /// `orderByDir`, `start`, `limit`, `minimal`, `search`, `published`, `publishedOnly`, `where`).
    pub fn parse(params: &ListParams, now: DateTime<Utc>) -> Result<Self, ApiError> {
        let query: HookListQuery = listquery::query::plain(params.pairs())?;
        let order_by = query.order_by.as_deref().map(column_name);
        let order = order(order_by.as_deref(), query.order_by_dir.as_deref(), ORDER_COLUMNS, "h.id")?;
        let page = page(query.start.as_deref(), query.limit.as_deref(), 30, 1000)?;
        let minimal = flag_parameter("minimal", query.minimal.as_deref())?.unwrap_or(false);
        let filter = HookFilter::read(&query, params.pairs(), now)?;
        Ok(Self { filter: where_of(&filter), order, page, minimal })
    }

    /// ` WHERE …` and its parameters.
    pub fn where_sql(&self) -> (String, &[Value]) {
        (self.filter.sql(), self.filter.params())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use listquery::MAX_WHERE;

    fn query(pairs: Vec<(String, String)>) -> Result<HookQuery, ApiError> {
        HookQuery::parse(&ListParams::new(pairs), Utc::now())
    }

    fn clause(i: usize) -> Vec<(String, String)> {
        vec![(format!("where[{i}][col]"), "id".into()), (format!("where[{i}][expr]"), "isNotNull".into())]
    }

    #[test]
    fn conditions_are_bounded() {
        assert!(query((0..MAX_WHERE).flat_map(clause).collect()).is_ok());
        let over = query((0..=MAX_WHERE).flat_map(clause).collect());
        assert_eq!(over.err().map(|e| e.status.as_u16()), Some(400));
    }

    #[test]
    fn ids_beyond_the_range_are_400_naming_the_parameter() {
        let ids = |text: &str| query(vec![("search".into(), format!("ids:{text}"))]).err().map(|e| e.status.as_u16());
        assert_eq!(ids("1,9223372036854775807"), None);
        assert_eq!(ids("9223372036854775808"), Some(400));
        assert_eq!(ids("x"), Some(400));
        let mut filter = clause(0);
        filter[1].1 = "eq".into();
        filter.push(("where[0][val]".into(), "18446744073709551615".into()));
        assert_eq!(query(filter).err().map(|e| e.status.as_u16()), Some(400));
    }

    #[test]
    fn given_camel_case_order_and_flags_when_parsed_then_typed() {
        let pairs = [("orderBy", "dateAdded"), ("orderByDir", "DESC"), ("limit", "2"), ("minimal", "yes")];
        let parsed = query(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()).unwrap();
        assert_eq!(parsed.order.sql(), "h.date_added DESC NULLS LAST");
        assert_eq!(parsed.page, Page { start: 0, limit: 2 });
        assert!(parsed.minimal);
        assert_eq!(parsed.where_sql().0, "");
    }

    #[test]
    fn given_two_bad_parameters_when_parsed_then_the_first_in_the_documented_order_is_named() {
        let pairs = vec![("where[0][col]".to_owned(), "id".to_owned()), ("orderByDir".to_owned(), "up".to_owned())];
        assert!(query(pairs).err().map(|e| e.message).unwrap_or_default().starts_with("orderByDir:"));
        let pairs = vec![("publishedOnly".to_owned(), "maybe".to_owned()), ("search".to_owned(), "ids:x".to_owned())];
        assert!(query(pairs).err().map(|e| e.message).unwrap_or_default().starts_with("search:"));
    }
}
