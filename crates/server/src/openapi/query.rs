//! The documented query parameters of every `GET` follow the server's one table of accepted
//! parameters ([`crate::http::query_params::ACCEPTED`]): a parameter the table does not list is
//! dropped from the document, one it lists but no stub documents is added, and `limit` and
//! `orderBy` take each route's own bounds and column names.

use serde_json::{Value, json};

use crate::http::query_params::accepted;

/// `limit`'s (default, maximum) on each list route; every other list pages 30 up to 1000.
const LIMITS: &[(&str, (u64, u64))] = &[("/api/users", (30, 100)), ("/api/events", (100, 1000))];

/// The `orderBy` names of the routes that take a fixed list of them.
fn order_columns(route: &str) -> Option<Vec<&'static str>> {
    let columns = match route {
        "/api/deals" => projection::queries::deal_filters::ORDER_COLUMNS,
        "/api/contacts" => projection::queries::contacts::ORDER_COLUMNS,
        _ => return None,
    };
    Some(columns.iter().map(|(name, _)| *name).collect())
}

/// A parameter the table lists that no stub documents: its schema and description.
fn fallback(route: &str, name: &str) -> Value {
    let (schema, description) = match (route, name) {
        ("/api/sources/{id}/requests", "status") => (
            json!({"type": "string", "enum": ingest::request_log::StatusFilter::names()}),
            "Only requests with this outcome",
        ),
        (_, "status") => (json!({"type": "string", "enum": ["success", "failed", "exhausted"]}), "Only these attempts"),
        (_, "since") => (json!({"type": "string", "format": "date-time"}), "At or after this instant"),
        (_, "until") => (json!({"type": "string", "format": "date-time"}), "Before this instant"),
        (_, "start") => (json!({"type": "integer", "minimum": 0}), "Offset of the first item (default 0)"),
        _ => (json!({"type": "string"}), ""),
    };
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

/// The documented name of an accepted one (`where[` is documented as the deep object `where`).
fn documented_name(accepted: &str) -> &str {
    accepted.strip_suffix('[').unwrap_or(accepted)
}

/// `limit` and `orderBy` narrowed to what `route` accepts.
fn narrowed(route: &str, mut param: Value) -> Value {
    match param["name"].as_str() {
        Some("limit") => {
            let (default, max) = LIMITS.iter().find(|(r, _)| *r == route).map_or((30, 1000), |(_, l)| *l);
            param["schema"] = json!({"type": "integer", "minimum": 1, "maximum": max});
            param["description"] = json!(format!("Items per page, 1 to {max} (default {default})"));
        }
        Some("orderBy") => {
            if let Some(names) = order_columns(route) {
                param["schema"] = json!({"type": "string", "enum": names});
                param["description"] = json!("The column to order by (default id)");
            }
        }
        _ => {}
    }
    param
}

/// Replaces the query parameters of `route`'s `GET` with the ones the server accepts.
fn fix_route(route: &str, get: &mut Value) {
    let documented: Vec<Value> = get["parameters"].as_array().cloned().unwrap_or_default();
    let (query, mut kept): (Vec<Value>, Vec<Value>) = documented.into_iter().partition(|p| p["in"] == "query");
    for name in accepted(route).iter().map(|name| documented_name(name)) {
        let param = query.iter().find(|p| p["name"] == name).cloned().unwrap_or_else(|| fallback(route, name));
        kept.push(narrowed(route, param));
    }
    if kept.is_empty() {
        get.as_object_mut().map(|op| op.remove("parameters"));
    } else {
        get["parameters"] = Value::Array(kept);
    }
}

/// Makes every `GET`'s documented query parameters those of the server's table.
pub fn apply(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    for (route, item) in paths.iter_mut() {
        if let Some(get) = item.get_mut("get") {
            fix_route(route, get);
        }
    }
}

/// The documented query parameter names of each `GET` path, for comparing with the table.
pub fn documented(doc: &Value) -> Vec<(String, Vec<String>)> {
    let paths = doc["paths"].as_object().into_iter().flatten();
    paths
        .filter_map(|(route, item)| {
            let params = item.get("get")?["parameters"].as_array().cloned().unwrap_or_default();
            let names =
                params.iter().filter(|p| p["in"] == "query").filter_map(|p| p["name"].as_str()).map(str::to_owned);
            Some((route.clone(), names.collect()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_get_takes_exactly_the_accepted_query_parameters() {
        let doc = crate::openapi::document();
        for (route, names) in documented(&doc) {
            let mut expected: Vec<String> = accepted(&route).iter().map(|n| documented_name(n).to_owned()).collect();
            let mut got = names.clone();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "GET {route}");
        }
    }

    #[test]
    fn limits_and_order_columns_follow_each_route() {
        let doc = crate::openapi::document();
        let param = |route: &str, name: &str| {
            let params = doc["paths"][route]["get"]["parameters"].as_array().unwrap().clone();
            params.into_iter().find(|p| p["name"] == name).unwrap()
        };
        assert_eq!(param("/api/users", "limit")["schema"]["maximum"], 100);
        assert_eq!(param("/api/contacts", "limit")["schema"]["minimum"], 1);
        assert!(param("/api/deals", "orderBy")["schema"]["enum"].as_array().unwrap().contains(&json!("close_date")));
        assert!(param("/api/sources/{id}/requests", "status")["schema"]["enum"].as_array().unwrap().len() > 2);
        assert_eq!(param("/api/hooks/{id}/logs", "since")["schema"]["format"], "date-time");
    }
}
