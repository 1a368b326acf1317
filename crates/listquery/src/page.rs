//! `start`, `limit`, `orderBy` and `orderByDir`, as Mautic names them, read from their texts
//! (already trimmed, `None` when absent or empty).

use domain::ids::MAX_ID;

use crate::Refusal;

/// Which slice of the results to answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub start: u64,
    pub limit: u64,
}

/// How to order results: an allowed column (as SQL) and a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
    pub column: &'static str,
    pub descending: bool,
}

impl Order {
    /// `<column> ASC NULLS FIRST` or `<column> DESC NULLS LAST`: SQLite's own order of empty
    /// values, said out loud so that PostgreSQL (which puts them the other way) agrees.
    pub fn sql(&self) -> String {
        format!("{} {}", self.column, if self.descending { "DESC NULLS LAST" } else { "ASC NULLS FIRST" })
    }
}

/// `start` (default 0, at most `MAX_ID`) and `limit` (default `default_limit`,
/// 1..=`max_limit`); a refusal names the parameter.
pub fn page(start: Option<&str>, limit: Option<&str>, default_limit: u64, max_limit: u64) -> Result<Page, Refusal> {
    let start = match start {
        None => 0,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|start| *start <= MAX_ID)
            .ok_or_else(|| Refusal::new("start", format!("must be an integer from 0 to {MAX_ID}")))?,
    };
    let limit = match limit {
        None => default_limit,
        Some(text) => match text.parse::<i64>() {
            Ok(limit) if (1..=max_limit as i64).contains(&limit) => limit as u64,
            Ok(limit) if limit > max_limit as i64 => {
                return Err(Refusal::new("limit", format!("must be at most {max_limit}")));
            }
            _ => return Err(Refusal::new("limit", format!("must be an integer from 1 to {max_limit}"))),
        },
    };
    Ok(Page { start, limit })
}

/// `orderBy` among `allowed` (snake_case name → SQL column; a client's camelCase spelling such
/// as `createdAt` is read as `created_at`, and case is ignored; `default` when absent) and
/// `orderByDir` (`asc` or `desc`, any case).
pub fn order(
    order_by: Option<&str>,
    direction: Option<&str>,
    allowed: &[(&str, &'static str)],
    default: &'static str,
) -> Result<Order, Refusal> {
    let column = match order_by {
        None => default,
        Some(name) => {
            let snake = crate::snake_case(name);
            let named = |n: &str| n.eq_ignore_ascii_case(name) || n.eq_ignore_ascii_case(&snake);
            allowed.iter().find(|(n, _)| named(n)).map(|(_, sql)| *sql).ok_or_else(|| {
                let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
                Refusal::new("orderBy", format!("cannot order by {name:?}; use one of {}", names.join(", ")))
            })?
        }
    };
    let descending = match direction.map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => return Err(Refusal::new("orderByDir", "must be asc or desc")),
    };
    Ok(Order { column, descending })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_camel_case_or_snake_case_or_upper_case_name_when_ordered_then_the_same_column() {
        let allowed = [("created_at", "d.created_at"), ("title", "d.title")];
        for name in ["created_at", "createdAt", "CREATED_AT", "CreatedAt"] {
            assert_eq!(order(Some(name), None, &allowed, "d.id").unwrap().column, "d.created_at", "{name}");
        }
        assert_eq!(order(Some("createdat"), None, &allowed, "d.id").unwrap_err().field, "orderBy");
    }

    #[test]
    fn given_no_page_parameters_when_read_then_the_defaults() {
        assert_eq!(page(None, None, 30, 1000), Ok(Page { start: 0, limit: 30 }));
    }

    #[test]
    fn given_bad_pages_when_read_then_refused_by_name() {
        let field = |start, limit| page(start, limit, 30, 1000).unwrap_err().field;
        assert_eq!(field(None, Some("1001")), "limit");
        assert_eq!(field(None, Some("0")), "limit");
        assert_eq!(field(None, Some("x")), "limit");
        assert_eq!(field(Some("-1"), None), "start");
        assert_eq!(field(Some("9223372036854775808"), None), "start");
        assert!(page(None, Some("1001"), 30, 1000).unwrap_err().message.contains("at most 1000"));
    }

    #[test]
    fn given_an_allowed_column_in_any_case_when_ordered_then_its_sql() {
        let allowed = [("id", "d.id"), ("title", "d.title")];
        assert_eq!(order(Some("TITLE"), Some("DESC"), &allowed, "d.id").unwrap().sql(), "d.title DESC NULLS LAST");
        assert_eq!(order(None, None, &allowed, "d.id").unwrap().sql(), "d.id ASC NULLS FIRST");
        assert_eq!(order(Some("password"), None, &allowed, "d.id").unwrap_err().field, "orderBy");
        assert_eq!(order(None, Some("up"), &allowed, "d.id").unwrap_err().field, "orderByDir");
    }
}
