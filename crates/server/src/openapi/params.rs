//! Query parameters shared by the list routes, as `IntoParams` types. The handlers read
//! parameters by name from the query string (`api::ListParams`), so these list the names each
//! route accepts (an unknown one is 400).

#![allow(dead_code, non_snake_case)]

use utoipa::IntoParams;

/// Paging and order of a list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Offset of the first item (default 0).
    #[param(minimum = 0)]
    pub start: Option<u64>,
    /// Items per page (default 30, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// The column to order by: its snake_case name or the entity's camelCase property name.
    pub orderBy: Option<String>,
    /// `asc` or `desc`, in any case.
    #[param(pattern = "^([aA][sS][cC]|[dD][eE][sS][cC])$")]
    pub orderByDir: Option<String>,
    /// Free text.
    pub search: Option<String>,
}

/// The filters of `GET /api/deals`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DealFilters {
    #[param(minimum = 1)]
    pub pipeline_id: Option<u64>,
    #[param(minimum = 1)]
    pub stage_id: Option<u64>,
    pub status: Option<domain::events::DealStatus>,
    #[param(minimum = 1)]
    pub source_id: Option<u64>,
    #[param(minimum = 1)]
    pub contact_id: Option<u64>,
    pub close_date_from: Option<chrono::NaiveDate>,
    pub close_date_to: Option<chrono::NaiveDate>,
}

/// The filters of `GET /api/events` and its NDJSON export.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilters {
    /// Events after this log position (default 0).
    #[param(minimum = 0)]
    pub after: Option<u64>,
    /// At most this many events (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// Event types, comma-separated.
    pub r#type: Option<String>,
    /// One stream, e.g. `deal-42`.
    pub stream: Option<String>,
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

/// Mautic's list parameters of `GET /api/hooks` beside [`Paging`]. `where` is the bracketed
/// form PHP's `http_build_query` writes: `where[0][col]=name&where[0][expr]=eq&where[0][val]=x`,
/// with the exprs `eq, neq, lt, lte, gt, gte, like, notLike, in, notIn, isNull, isNotNull,
/// isEmpty, isNotEmpty`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HookFilters {
    /// Only published hooks (alias `publishedOnly`).
    pub published: Option<bool>,
    pub publishedOnly: Option<bool>,
    /// Leave out category, triggers and health.
    pub minimal: Option<bool>,
    #[param(style = DeepObject, explode, value_type = Option<Object>)]
    pub r#where: Option<serde_json::Value>,
}
