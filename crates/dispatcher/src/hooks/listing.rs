//! `GET /api/hooks` parameters, as Mautic's API takes them: `search` (text and the commands
//! `ids:`, `is:published`, `is:unpublished`, `category:`, each negated by a leading `!`),
//! `start`, `limit`, `orderBy`, `orderByDir`, `published`/`publishedOnly`, `minimal`, and
//! `where[i][col|expr|val]`.

use api::limits::{IdText, beyond_max, out_of_range};
use api::{ApiError, ListParams, Order, Page, like_pattern};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;

use super::where_params::{WhereClause, where_clauses};

/// `orderBy` names (snake_case, as Mautic documents; camelCase accepted) and their columns.
const ORDER_COLUMNS: &[(&str, &str)] = &[
    ("id", "h.id"),
    ("name", "h.name"),
    ("description", "h.description"),
    ("webhook_url", "h.webhook_url"),
    ("is_published", "h.is_published"),
    ("events_orderby_dir", "h.events_orderby_dir"),
    ("date_added", "h.date_added"),
    ("date_modified", "h.date_modified"),
    ("created_by", "h.created_by"),
    ("created_by_user", "h.created_by_user"),
    ("modified_by", "h.modified_by"),
    ("modified_by_user", "h.modified_by_user"),
    ("category", "h.category_id"),
    ("publish_up", "h.publish_up"),
    ("publish_down", "h.publish_down"),
    ("payload_format", "h.payload_format"),
    ("signature_format", "h.signature_format"),
];

/// How a `where` column's values are read.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Integer,
    Flag,
    Time,
}

/// A column as a client names it (`dateAdded`, `h.date_added`, `e.dateAdded`) in snake_case,
/// without Mautic's table alias.
fn column_name(name: &str) -> String {
    let name = name.trim_start_matches("h.").trim_start_matches("e.");
    name.chars()
        .flat_map(|c| if c.is_ascii_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] })
        .collect()
}

/// `where` columns: the entity's camelCase names and the snake_case columns.
fn where_column(name: &str) -> Option<(&'static str, Kind)> {
    let snake = column_name(name.trim());
    let kind = match snake.as_str() {
        "id" | "created_by" | "modified_by" | "category" | "category_id" => Kind::Integer,
        "is_published" => Kind::Flag,
        "date_added" | "date_modified" | "publish_up" | "publish_down" => Kind::Time,
        "name" | "description" | "webhook_url" | "events_orderby_dir" | "created_by_user" | "modified_by_user"
        | "payload_format" | "signature_format" => Kind::Text,
        _ => return None,
    };
    let column = ORDER_COLUMNS.iter().find(|(n, _)| *n == snake || (*n == "category" && snake == "category_id"))?.1;
    Some((column, kind))
}

/// A parsed `GET /api/hooks` query.
pub struct HookQuery {
    conditions: Vec<String>,
    params: Vec<Value>,
    pub order: Order,
    pub page: Page,
    pub minimal: bool,
}

impl HookQuery {
    /// Parses the parameters; a bad one is 400 naming it.
    pub fn parse(params: &ListParams, now: DateTime<Utc>) -> Result<Self, ApiError> {
        let mut query = Self {
            conditions: Vec::new(),
            params: Vec::new(),
            order: order(params, ORDER_COLUMNS)?,
            page: params.page(30, 1000)?,
            minimal: params.flag("minimal")?.unwrap_or(false),
        };
        if let Some(search) = params.get("search") {
            query.search(search)?;
        }
        if params.flag("published")?.or(params.flag("publishedOnly")?).unwrap_or(false) {
            let now = now.timestamp_micros();
            query.push("h.is_published = 1 AND (h.publish_up IS NULL OR h.publish_up <= ?) AND (h.publish_down IS NULL OR h.publish_down > ?)", [Value::Integer(now), Value::Integer(now)]);
        }
        for clause in where_clauses(params)? {
            query.filter(clause)?;
        }
        Ok(query)
    }

    fn push(&mut self, condition: &str, values: impl IntoIterator<Item = Value>) {
        self.conditions.push(condition.to_owned());
        self.params.extend(values);
    }

    fn search(&mut self, search: &str) -> Result<(), ApiError> {
        for token in tokens(search) {
            let (negated, token) = match token.strip_prefix('!') {
                Some(rest) => (true, rest.to_owned()),
                None => (false, token),
            };
            let not = if negated { "NOT " } else { "" };
            let lower = token.to_ascii_lowercase();
            if let Some(ids) = lower.strip_prefix("ids:") {
                let ids: Vec<Value> = ids
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|id| match IdText::of(id) {
                        IdText::Id(id) => Ok(Value::Integer(id as i64)),
                        IdText::OutOfRange => Err(ApiError::bad_field("search", out_of_range(id))),
                        IdText::NotANumber => {
                            Err(ApiError::bad_field("search", format!("ids:{ids} must list integer ids")))
                        }
                    })
                    .collect::<Result<_, _>>()?;
                let marks = vec!["?"; ids.len().max(1)].join(", ");
                let values = if ids.is_empty() { vec![Value::Integer(-1)] } else { ids };
                self.push(&format!("h.id {not}IN ({marks})"), values);
            } else if lower == "is:published" || lower == "is:unpublished" {
                let published = (lower == "is:published") != negated;
                self.push(&format!("h.is_published = {}", u8::from(published)), []);
            } else if let Some(alias) = token.strip_prefix("category:").or_else(|| token.strip_prefix("Category:")) {
                self.push(
                    &format!("h.category_id {not}IN (SELECT id FROM categories WHERE alias = ?)"),
                    [Value::Text(alias.to_owned())],
                );
            } else {
                let pattern = Value::Text(like_pattern(&token));
                self.push(
                    &format!("{not}(h.name LIKE ? ESCAPE '\\' OR coalesce(h.description, '') LIKE ? ESCAPE '\\')"),
                    [pattern.clone(), pattern],
                );
            }
        }
        Ok(())
    }

    fn filter(&mut self, clause: WhereClause) -> Result<(), ApiError> {
        let field = format!("where[{}]", clause.index);
        let (column, kind) = where_column(&clause.col).ok_or_else(|| {
            ApiError::bad_field(&format!("{field}[col]"), format!("cannot filter on {:?}", clause.col))
        })?;
        let value = |text: &str| {
            if matches!(kind, Kind::Integer) && beyond_max(text) {
                return Err(ApiError::bad_field(&format!("{field}[val]"), out_of_range(text)));
            }
            typed(text, kind).ok_or_else(|| {
                ApiError::bad_field(
                    &format!("{field}[val]"),
                    format!("{text:?} is not a valid value for {}", clause.col),
                )
            })
        };
        let first = || clause.values.first().map(String::as_str).unwrap_or_default();
        match clause.expr.as_str() {
            "eq" | "neq" | "lt" | "lte" | "gt" | "gte" => {
                let op = match clause.expr.as_str() {
                    "eq" => "=",
                    "neq" => "<>",
                    "lt" => "<",
                    "lte" => "<=",
                    "gt" => ">",
                    _ => ">=",
                };
                let compared = value(first())?;
                self.push(&format!("{column} {op} ?"), [compared]);
            }
            "like" | "notLike" => {
                let not = if clause.expr == "notLike" { "NOT " } else { "" };
                self.push(&format!("coalesce({column}, '') {not}LIKE ?"), [Value::Text(first().to_owned())]);
            }
            "in" | "notIn" => {
                let values: Vec<Value> = clause
                    .values
                    .iter()
                    .flat_map(|v| v.split(','))
                    .map(|v| value(v.trim()))
                    .collect::<Result<_, _>>()?;
                let not = if clause.expr == "notIn" { "NOT " } else { "" };
                let marks = vec!["?"; values.len().max(1)].join(", ");
                let values = if values.is_empty() { vec![Value::Null] } else { values };
                self.push(&format!("{column} {not}IN ({marks})"), values);
            }
            "isNull" => self.push(&format!("{column} IS NULL"), []),
            "isNotNull" => self.push(&format!("{column} IS NOT NULL"), []),
            "isEmpty" => self.push(&format!("({column} IS NULL OR {column} = '')"), []),
            "isNotEmpty" => self.push(&format!("({column} IS NOT NULL AND {column} <> '')"), []),
            other => {
                return Err(ApiError::bad_field(
                    &format!("{field}[expr]"),
                    format!(
                        "{other:?} is not an expression; use eq, neq, lt, lte, gt, gte, like, notLike, in, notIn, isNull, isNotNull, isEmpty or isNotEmpty"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// ` WHERE …` and its parameters.
    pub fn where_sql(&self) -> (String, &[Value]) {
        let sql = if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        };
        (sql, &self.params)
    }
}

fn order(params: &ListParams, allowed: &[(&str, &'static str)]) -> Result<Order, ApiError> {
    // Mautic documents snake_case; its clients also send the camelCase property names.
    let name = params.get("orderBy").map(column_name);
    let mut pairs: Vec<(String, String)> = params.pairs().iter().filter(|(k, _)| k != "orderBy").cloned().collect();
    if let Some(name) = name {
        pairs.push(("orderBy".into(), name));
    }
    ListParams::new(pairs).order(allowed, "h.id")
}

fn typed(text: &str, kind: Kind) -> Option<Value> {
    match kind {
        Kind::Text => Some(Value::Text(text.to_owned())),
        Kind::Integer => text.trim().parse::<i64>().ok().map(Value::Integer),
        Kind::Flag => match text.trim().to_ascii_lowercase().as_str() {
            "1" | "true" => Some(Value::Integer(1)),
            "0" | "false" => Some(Value::Integer(0)),
            _ => None,
        },
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

/// Search text split on spaces, keeping double-quoted phrases whole.
fn tokens(search: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in search.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::where_params::MAX_WHERE;

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
}
