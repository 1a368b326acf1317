//! What `GET /api/hooks` asks for: the query as sent ([`HookListQuery`]) and the filter it
//! states ([`HookFilter`]), each value read once.

use chrono::{DateTime, Utc};
use listquery::Refusal;
use listquery::flag::flag_parameter;
use listquery::where_params::where_clauses;
use serde::Deserialize;

use super::search::{self, Term};
use super::where_params::{Condition, condition};

/// The plain parameters of `GET /api/hooks` as sent (first value of each, trimmed, empty as
/// absent).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HookListQuery {
    pub search: Option<String>,
    pub start: Option<String>,
    pub limit: Option<String>,
    pub order_by: Option<String>,
    pub order_by_dir: Option<String>,
    pub published: Option<String>,
    pub published_only: Option<String>,
    pub minimal: Option<String>,
}

/// Which hooks to list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HookFilter {
    /// The search terms, all of which must hold.
    pub terms: Vec<Term>,
    /// `published`/`publishedOnly`: published and inside the publish window at this instant.
    pub published_at: Option<DateTime<Utc>>,
    /// The `where[i]` conditions, in the text order of their `i`.
    pub conditions: Vec<Condition>,
}

impl HookFilter {
    /// The filter a query states (`pairs` holds its `where[…]` keys).
    pub fn read(query: &HookListQuery, pairs: &[(String, String)], now: DateTime<Utc>) -> Result<Self, Refusal> {
        let terms = query.search.as_deref().map(search::terms).transpose()?.unwrap_or_default();
        let published = flag_parameter("published", query.published.as_deref())?;
        let published_only = flag_parameter("publishedOnly", query.published_only.as_deref())?;
        let published_at = published.or(published_only).unwrap_or(false).then_some(now);
        let conditions = where_clauses(pairs)?.iter().map(condition).collect::<Result<_, _>>()?;
        Ok(Self { terms, published_at, conditions })
    }
}
