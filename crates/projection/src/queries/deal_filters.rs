//! The filters of `GET /api/deals` (and of the console's deal lists): the query string as
//! sent ([`DealListQuery`], read by `serde_qs`), converted once into [`DealFilters`], built
//! into SQL with the `WHERE` builder every list query shares.

use api::listing::{date, parsed};
use api::{ApiError, Order, Page};
use chrono::NaiveDate;
use domain::events::DealStatus;
use domain::ids::{ContactId, PipelineId, SourceId, StageId};
use listquery::Where;
use listquery::sql::{int, text};
use serde::Deserialize;

use super::rows::search_needle;

/// `orderBy` names and their columns.
pub const ORDER_COLUMNS: &[(&str, &str)] = &[
    ("id", "d.id"),
    ("title", "d.title"),
    ("amount", "d.amount_units"),
    ("currency", "d.currency"),
    ("close_date", "d.close_date"),
    ("status", "d.status"),
    ("pipeline_id", "d.pipeline_id"),
    ("stage_id", "d.stage_id"),
    ("source_id", "d.source_id"),
    ("created_at", "d.created_at"),
    ("updated_at", "d.updated_at"),
];

/// The parameters of `GET /api/deals` as sent (first value of each, trimmed, empty as absent).
#[derive(Debug, Default, Deserialize)]
pub struct DealListQuery {
    pub start: Option<String>,
    pub limit: Option<String>,
    #[serde(rename = "orderBy")]
    pub order_by: Option<String>,
    #[serde(rename = "orderByDir")]
    pub order_by_dir: Option<String>,
    pub search: Option<String>,
    pub pipeline_id: Option<String>,
    pub stage_id: Option<String>,
    pub status: Option<String>,
    pub source_id: Option<String>,
    pub contact_id: Option<String>,
    pub close_date_from: Option<String>,
    pub close_date_to: Option<String>,
}

/// Filters of `GET /api/deals`.
#[derive(Clone, Debug, Default)]
pub struct DealFilters {
    pub search: Option<String>,
    pub pipeline_id: Option<PipelineId>,
    pub stage_id: Option<StageId>,
    pub status: Option<DealStatus>,
    pub source_id: Option<SourceId>,
    pub contact_id: Option<ContactId>,
    pub close_date_from: Option<NaiveDate>,
    pub close_date_to: Option<NaiveDate>,
}

impl DealListQuery {
    /// Reads the query pairs.
    pub fn read(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        Ok(listquery::query::plain(pairs)?)
    }

    /// `start` and `limit` (30 by default, at most 1000).
    pub fn page(&self) -> Result<Page, ApiError> {
        Ok(listquery::page::page(self.start.as_deref(), self.limit.as_deref(), 30, 1000)?)
    }

    /// `orderBy` among [`ORDER_COLUMNS`] (by id by default) and `orderByDir`.
    pub fn order(&self) -> Result<Order, ApiError> {
        Ok(listquery::page::order(self.order_by.as_deref(), self.order_by_dir.as_deref(), ORDER_COLUMNS, "d.id")?)
    }

    /// The filters; a bad value is 400 naming its parameter (checked in field order).
    pub fn filters(&self) -> Result<DealFilters, ApiError> {
        Ok(DealFilters {
            search: self.search.clone(),
            pipeline_id: parsed("pipeline_id", self.pipeline_id.as_deref(), "a pipeline id")?,
            stage_id: parsed("stage_id", self.stage_id.as_deref(), "a stage id")?,
            status: self
                .status
                .as_deref()
                .map(|s| DealStatus::parse(s).ok_or_else(|| ApiError::bad_field("status", "must be open, won or lost")))
                .transpose()?,
            source_id: parsed("source_id", self.source_id.as_deref(), "a source id")?,
            contact_id: parsed("contact_id", self.contact_id.as_deref(), "a contact id")?,
            close_date_from: date("close_date_from", self.close_date_from.as_deref())?,
            close_date_to: date("close_date_to", self.close_date_to.as_deref())?,
        })
    }
}

impl DealFilters {
    /// The conditions over `rm_deals d`.
    pub fn where_sql(&self) -> Where {
        let mut conditions = Where::default();
        if let Some(search) = &self.search {
            conditions
                .push("(instr(d.search_text, ?) > 0 OR d.external_id = ?)", [search_needle(search), text(search)]);
        }
        if let Some(id) = self.pipeline_id {
            conditions.push("d.pipeline_id = ?", [int(id.0)]);
        }
        if let Some(id) = self.stage_id {
            conditions.push("d.stage_id = ?", [int(id.0)]);
        }
        if let Some(status) = self.status {
            conditions.push("d.status = ?", [text(status.as_str())]);
        }
        if let Some(id) = self.source_id {
            conditions.push("d.source_id = ?", [int(id.0)]);
        }
        if let Some(id) = self.contact_id {
            conditions.push("d.id IN (SELECT deal_id FROM rm_deal_contacts WHERE contact_id = ?)", [int(id.0)]);
        }
        if let Some(from) = self.close_date_from {
            conditions.push("d.close_date >= ?", [text(from.to_string())]);
        }
        if let Some(to) = self.close_date_to {
            conditions.push("d.close_date <= ?", [text(to.to_string())]);
        }
        conditions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> DealListQuery {
        DealListQuery::read(&pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn given_every_filter_when_read_then_one_where_in_field_order() {
        let filters = query(&[
            ("close_date_to", "2026-12-31"),
            ("status", "won"),
            ("search", " A_b "),
            ("pipeline_id", "1"),
            ("contact_id", "7"),
        ])
        .filters()
        .unwrap();
        let sql = filters.where_sql();
        assert_eq!(
            sql.sql(),
            " WHERE (instr(d.search_text, ?) > 0 OR d.external_id = ?) AND d.pipeline_id = ? AND d.status = ? \
             AND d.id IN (SELECT deal_id FROM rm_deal_contacts WHERE contact_id = ?) AND d.close_date <= ?"
        );
        assert_eq!(sql.params(), [text("a_b"), text("A_b"), int(1), text("won"), int(7), text("2026-12-31")]);
    }

    #[test]
    fn given_bad_values_when_read_then_400_naming_the_first_in_field_order() {
        let refused = |pairs: &[(&str, &str)]| query(pairs).filters().unwrap_err().message;
        assert!(refused(&[("status", "maybe"), ("stage_id", "x")]).starts_with("stage_id: must be a stage id"));
        assert!(
            refused(&[("pipeline_id", "9223372036854775808")])
                .starts_with("pipeline_id: 9223372036854775808 is out of range")
        );
        assert!(refused(&[("close_date_from", "yesterday")]).starts_with("close_date_from: "));
        assert!(query(&[("orderBy", "password")]).order().unwrap_err().message.starts_with("orderBy: cannot order by"));
        assert_eq!(query(&[]).page().unwrap(), Page { start: 0, limit: 30 });
    }
}
