//! A list page's pager: the links to the previous and the next page, keeping the page's other
//! query parameters (its filters), and which rows are shown. One rule for every list page.

use api::listing::Page;
use serde_json::{Value, json};

/// `path` with the page's query `pairs` and another `start` (any `start` they had is replaced).
pub fn page_link(path: &str, pairs: &[(String, String)], start: u64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(pairs.iter().filter(|(name, _)| name != "start"));
    format!("{path}?{}", query.append_pair("start", &start.to_string()).finish())
}

/// `page` (a JSON object) with the pager's fields of [`pager`] added.
pub fn paged(mut page: Value, pager: Value) -> Value {
    if let (Some(page), Value::Object(fields)) = (page.as_object_mut(), pager) {
        page.extend(fields);
    }
    page
}

/// The pager's fields for a page that shows `shown` of `total` rows from `page.start`:
/// `first` and `last` (1-based), and `previous` and `next` (links, or null at either end).
pub fn pager(path: &str, pairs: &[(String, String)], page: Page, shown: u64, total: u64) -> Value {
    json!({
        "first": page.start + 1,
        "last": page.start + shown,
        "previous": (page.start > 0).then(|| page_link(path, pairs, page.start.saturating_sub(page.limit))),
        "next": (page.start + shown < total).then(|| page_link(path, pairs, page.start + page.limit)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs() -> Vec<(String, String)> {
        vec![("search".into(), "a&b".into()), ("start".into(), "30".into())]
    }

    #[test]
    fn given_a_filtered_list_when_linking_a_page_then_the_filters_stay_and_start_is_replaced() {
        assert_eq!(page_link("/deals", &pairs(), 60), "/deals?search=a%26b&start=60");
    }

    #[test]
    fn given_a_middle_page_when_paging_then_both_links_exist_and_the_ends_have_none() {
        let middle = pager("/deals", &pairs(), Page { start: 30, limit: 30 }, 30, 100);
        assert_eq!((middle["first"].as_u64(), middle["last"].as_u64()), (Some(31), Some(60)));
        assert_eq!(middle["previous"], "/deals?search=a%26b&start=0");
        assert_eq!(middle["next"], "/deals?search=a%26b&start=60");
        let last = pager("/deals", &[], Page { start: 90, limit: 30 }, 10, 100);
        assert!(last["next"].is_null());
        let first = pager("/deals", &[], Page { start: 0, limit: 30 }, 30, 100);
        assert!(first["previous"].is_null());
    }
}
