//! List parameters shared by every list endpoint: `start`, `limit`, `orderBy`, `orderByDir` (as
//! Mautic names them) and typed filters, read with `listquery`. Every query problem is 400 naming the parameter: an
//! unknown parameter ([`ListParams::refuse_unknown`], checked for every `GET` route from one
//! table) as well as a bad value (see "Unknown fields and parameters" in `docs/api.md`).

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
pub use listquery::{Order, Page};

use crate::ApiError;
use crate::limits::{beyond_max, out_of_range};

/// The raw query parameters, in order (keys may repeat, e.g. `ids[]`, `where[0][col]`).
#[derive(Clone, Debug, Default)]
pub struct ListParams(Vec<(String, String)>);

impl ListParams {
    /// Wraps parsed query pairs.
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The first value of a parameter, if given and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.trim()).filter(|v| !v.is_empty())
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// `start` (default 0) and `limit` (default `default_limit`, 1..=`max_limit`).
    pub fn page(&self, default_limit: u64, max_limit: u64) -> Result<Page, ApiError> {
        Ok(listquery::page::page(self.get("start"), self.get("limit"), default_limit, max_limit)?)
    }

    /// `orderBy` among `allowed` (name → SQL column) and `orderByDir` (`asc` or `desc`).
    pub fn order(&self, allowed: &[(&str, &'static str)], default: &'static str) -> Result<Order, ApiError> {
        Ok(listquery::page::order(self.get("orderBy"), self.get("orderByDir"), allowed, default)?)
    }

    /// 400 naming every parameter that is not `accepted` (a name ending in `[`, such as
    /// `where[`, accepts every key it starts), listing the accepted ones.
    pub fn refuse_unknown(&self, accepted: &[&str]) -> Result<(), ApiError> {
        let known = |key: &str| {
            accepted.iter().any(|name| if name.ends_with('[') { key.starts_with(name) } else { key == *name })
        };
        let mut unknown: Vec<&str> = Vec::new();
        for (key, _) in &self.0 {
            if !known(key) && !unknown.contains(&key.as_str()) {
                unknown.push(key);
            }
        }
        if unknown.is_empty() {
            return Ok(());
        }
        let hint = if accepted.is_empty() {
            "is not a parameter: this route takes none".to_owned()
        } else {
            let names: Vec<String> =
                accepted.iter().map(|n| if n.ends_with('[') { format!("{n}…]") } else { (*n).to_owned() }).collect();
            format!("is not a parameter of this route; the accepted parameters are: {}", names.join(", "))
        };
        let shown: Vec<String> = unknown.iter().map(|key| key.chars().take(80).collect()).collect();
        let details: serde_json::Map<String, serde_json::Value> =
            shown.iter().map(|key| (key.clone(), serde_json::json!([hint]))).collect();
        Err(ApiError::bad_request(format!("{}: {hint}", shown.join(", "))).with_details(details.into()))
    }

    /// A value parsed with `FromStr` (ids, positions, enums); see [`parsed`].
    pub fn parsed<T: FromStr>(&self, name: &str, expected: &str) -> Result<Option<T>, ApiError> {
        parsed(name, self.get(name), expected)
    }

    /// A `YYYY-MM-DD` date; see [`date`].
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ApiError> {
        date(name, self.get(name))
    }

    /// An RFC 3339 instant; 400 when it does not parse.
    pub fn instant(&self, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
        self.get(name)
            .map(|text| {
                DateTime::parse_from_rfc3339(text)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| ApiError::bad_field(name, instant_problem(text)))
            })
            .transpose()
    }

    /// A boolean flag ([`listquery::flag`]: `1`/`0`/`true`/`false`/`yes`/`no`).
    pub fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        Ok(listquery::flag::flag_parameter(name, self.get(name))?)
    }
}

/// The text of parameter `name` parsed with `FromStr` (ids, positions, enums); 400 when it
/// does not parse ("must be {expected}") or is a whole number beyond what ids and positions
/// reach (`MAX_ID`).
pub fn parsed<T: FromStr>(name: &str, text: Option<&str>, expected: &str) -> Result<Option<T>, ApiError> {
    text.map(|text| {
        if beyond_max(text) {
            return Err(ApiError::bad_field(name, out_of_range(text)));
        }
        text.parse().map_err(|_| ApiError::bad_field(name, format!("must be {expected}")))
    })
    .transpose()
}

/// The text of parameter `name` as a `YYYY-MM-DD` date; 400 when it is not one.
pub fn date(name: &str, text: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    text.map(|text| domain::values::parse_date(text).map_err(|e| ApiError::bad_field(name, e.to_string()))).transpose()
}

/// Why `text` is not an RFC 3339 instant. A query string reads `+` as a space, so an offset
/// such as `+00:00` sent unencoded arrives as ` 00:00`: say so.
fn instant_problem(text: &str) -> String {
    let message = "must be an RFC 3339 date-time such as 2026-03-25T14:30:00Z";
    let plus_lost = text.rfind(' ').is_some_and(|at| {
        let restored = format!("{}+{}", &text[..at], &text[at + 1..]);
        DateTime::parse_from_rfc3339(&restored).is_ok()
    });
    if plus_lost {
        format!("{message}; {text:?} has a space where its offset's sign should be: write `+` as %2B in a query string")
    } else {
        message.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ids::MAX_ID;

    fn params(pairs: &[(&str, &str)]) -> ListParams {
        ListParams::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn pages_default_and_bounded() {
        assert_eq!(params(&[]).page(30, 1000).unwrap(), Page { start: 0, limit: 30 });
        assert!(params(&[("limit", "1001")]).page(30, 1000).unwrap_err().message.contains("at most 1000"));
        assert!(params(&[("start", "-1")]).page(30, 1000).is_err());
        assert!(params(&[("limit", "x")]).page(30, 1000).is_err());
        assert!(params(&[("start", "9223372036854775808")]).page(30, 1000).is_err());
    }

    #[test]
    fn unknown_parameters_are_refused_by_name_with_the_accepted_ones_listed() {
        let query =
            params(&[("limit", "1"), ("bogus", "1"), ("where[0][col]", "id"), ("statuss", "x"), ("bogus", "2")]);
        let error = query.refuse_unknown(&["limit", "where["]).unwrap_err();
        assert_eq!(error.status.as_u16(), 400);
        assert!(error.message.starts_with("bogus, statuss: "), "{}", error.message);
        assert!(error.message.contains("limit, where[…]"), "{}", error.message);
        assert!(error.details["statuss"].is_array());
        assert!(query.refuse_unknown(&["limit", "where[", "bogus", "statuss"]).is_ok());
        assert!(params(&[("x", "1")]).refuse_unknown(&[]).unwrap_err().message.contains("takes none"));
    }

    #[test]
    fn an_instant_whose_plus_became_a_space_says_to_write_2b() {
        let error = params(&[("asOf", "2026-11-30T21:48:52 00:00")]).instant("asOf").unwrap_err();
        assert_eq!(error.status.as_u16(), 400);
        assert!(error.message.contains("%2B"), "{}", error.message);
        let error = params(&[("asOf", "yesterday")]).instant("asOf").unwrap_err();
        assert!(!error.message.contains("%2B"), "{}", error.message);
        assert!(params(&[("asOf", "2026-11-30T21:48:52+00:00")]).instant("asOf").unwrap().is_some());
    }

    #[test]
    fn numbers_beyond_the_id_range_and_words_are_400() {
        let parsed = |text: &str| params(&[("after", text)]).parsed::<u64>("after", "a position");
        assert_eq!(parsed("9223372036854775807").unwrap(), Some(MAX_ID));
        assert_eq!(parsed("0").unwrap(), Some(0));
        assert_eq!(parsed("9223372036854775808").unwrap_err().status.as_u16(), 400);
        assert!(parsed("18446744073709551615").unwrap_err().message.contains("18446744073709551615 is out of range"));
        assert_eq!(parsed("x").unwrap_err().status.as_u16(), 400);
    }

    #[test]
    fn order_accepts_only_known_columns_and_directions() {
        let allowed = [("id", "d.id"), ("title", "d.title")];
        let order = params(&[("orderBy", "title"), ("orderByDir", "DESC")]).order(&allowed, "d.id").unwrap();
        assert_eq!(order.sql(), "d.title DESC NULLS LAST");
        assert!(params(&[("orderBy", "password")]).order(&allowed, "d.id").is_err());
        assert!(params(&[("orderByDir", "sideways")]).order(&allowed, "d.id").is_err());
    }
}
