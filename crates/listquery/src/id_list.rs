//! A PHP-style list of ids in a query string, as Mautic's client sends a batch:
//! `ids[]=1&ids[]=2`, `ids[0]=1&ids[1]=2`, or `ids=1,2` (each value may hold a comma list).

use serde::Deserialize;

use crate::Refusal;
use crate::query::deserialize;

#[derive(Deserialize)]
struct Ids {
    #[serde(default)]
    ids: Vec<String>,
}

/// The ids of `name` (`ids`), in order, trimmed, empty ones left out: 1 to `max` of them, else
/// a refusal of `name` that says how to send them. The ids are not parsed: each is an item of
/// the batch, which succeeds or fails on its own.
pub fn id_list(pairs: &[(String, String)], name: &str, max: usize) -> Result<Vec<String>, Refusal> {
    let values = pairs.iter().filter(|(key, _)| key == name || bracketed(key, name)).map(|(_, value)| value);
    let items: Vec<String> = values
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    if items.is_empty() || items.len() > max {
        return Err(Refusal::new(name, format!("give 1 to {max} ids as {name}[]=1&{name}[]=2")));
    }
    // Renumbered so that serde_qs reads one list whichever spelling each pair used.
    let indexed: Vec<(String, String)> =
        items.into_iter().enumerate().map(|(n, id)| (format!("ids[{n}]"), id)).collect();
    Ok(deserialize::<Ids>(&indexed, name)?.ids)
}

/// `name[…]`: `name[]`, `name[0]`, or any key PHP would put in the same array.
fn bracketed(key: &str, name: &str) -> bool {
    key.strip_prefix(name).is_some_and(|rest| rest.starts_with('['))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn given_each_php_spelling_when_read_then_one_list_in_order() {
        for query in [
            pairs(&[("ids[]", "1"), ("ids[]", "2"), ("ids[]", "3")]),
            pairs(&[("ids[0]", "1"), ("ids[1]", "2"), ("ids[2]", "3")]),
            pairs(&[("ids", "1,2"), ("ids", " 3 ")]),
            pairs(&[("ids", "1,,2,"), ("other", "9"), ("ids[]", "3")]),
        ] {
            assert_eq!(id_list(&query, "ids", 200).unwrap(), ["1", "2", "3"], "{query:?}");
        }
    }

    #[test]
    fn given_no_ids_or_too_many_when_read_then_refused_naming_the_parameter() {
        for query in [pairs(&[]), pairs(&[("ids", " , ")]), pairs(&[("idsx", "1")]), pairs(&[("ids", "1,2,3")])] {
            let refusal = id_list(&query, "ids", 2).unwrap_err();
            assert_eq!(refusal, Refusal::new("ids", "give 1 to 2 ids as ids[]=1&ids[]=2"), "{query:?}");
        }
    }

    #[test]
    fn given_ids_that_are_not_numbers_when_read_then_kept_for_the_item_to_fail_on_its_own() {
        assert_eq!(id_list(&pairs(&[("ids[]", "x"), ("ids[]", "7")]), "ids", 200).unwrap(), ["x", "7"]);
    }
}
