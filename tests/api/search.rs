//! Searches of deals and contacts (`search=`): which fields match, case, literal wildcards, and
//! the totals that a page tells without a count (issue 12, migration 0011).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

fn emails(list: &Value) -> Vec<String> {
    list["contacts"].as_array().unwrap().iter().map(|c| c["email"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_contact_search_matches_each_field_in_any_ascii_case_and_never_across_two() {
    let app = spawn_app().await;
    let jane =
        json!({ "email": "jane@north.example", "first_name": "Jane", "last_name": "Doe", "company": "Acme 50%_off" });
    app.post_ok("/api/contacts/new", &jane, 201).await;
    app.post_ok("/api/contacts/new", &json!({ "email": "bob@south.example", "company": "Initech" }), 201).await;

    for (search, expected) in [
        ("JANE@NORTH", vec!["jane@north.example"]),
        ("jan", vec!["jane@north.example"]),
        ("doe", vec!["jane@north.example"]),
        ("jane doe", vec!["jane@north.example"]),
        ("acme 50%_OFF", vec!["jane@north.example"]),
        ("50%", vec!["jane@north.example"]),
        ("%", vec!["jane@north.example"]),
        ("_", vec!["jane@north.example"]),
        ("initech", vec!["bob@south.example"]),
        ("example", vec!["bob@south.example", "jane@north.example"]),
        ("examplejane", vec![]),
        ("doeacme", vec![]),
        ("nobody", vec![]),
    ] {
        let path = format!("/api/contacts?search={}&orderBy=email", urlencode(search));
        let found = app.get_ok(&path).await;
        assert_eq!(emails(&found), expected, "search {search:?}");
        assert_eq!(found["total"], expected.len(), "total of search {search:?}");
    }
}

#[tokio::test]
async fn a_contact_search_follows_an_edit() {
    let app = spawn_app().await;
    let created = app.post_ok("/api/contacts/new", &json!({ "email": "a@x.example", "company": "Old Co" }), 201).await;
    let path = format!("/api/contacts/{}/edit", created["contact"]["id"]);
    app.send_json(Method::PATCH, &path, &json!({ "company": "New Co", "last_name": "Renamed" })).await;

    assert_eq!(app.get_ok("/api/contacts?search=old%20co").await["total"], 0);
    assert_eq!(app.get_ok("/api/contacts?search=new%20co").await["total"], 1);
    assert_eq!(app.get_ok("/api/contacts?search=renamed").await["total"], 1);
}

#[tokio::test]
async fn a_deal_search_matches_the_title_in_any_case_or_the_exact_external_id_and_follows_edits() {
    let app = spawn_app().await;
    let source = app.create_source("crm").await;
    let sent =
        app.post_inbound(&source, &json!({ "external_id": "crm-77", "title": "Globex Renewal", "amount": 10 })).await;
    let deal = json(sent).await["deal"].clone();
    app.create_deal(json!({ "title": "Initech pilot", "amount": 20 })).await;

    let by_title = app.get_ok("/api/deals?search=gLOBEX%20ren").await;
    let by_external_id = app.get_ok("/api/deals?search=crm-77").await;
    let by_part_of_external_id = app.get_ok("/api/deals?search=crm-7").await;
    app.send_json(Method::PATCH, &format!("/api/deals/{}/edit", deal["id"]), &json!({ "title": "Umbrella" })).await;
    let old_title = app.get_ok("/api/deals?search=globex").await;
    let new_title = app.get_ok("/api/deals?search=umbrella").await;

    assert_eq!(by_title["total"], 1);
    assert_eq!(by_title["deals"][0]["title"], "Globex Renewal");
    assert_eq!(by_external_id["total"], 1);
    assert_eq!(by_part_of_external_id["total"], 0, "an external id matches whole, as before");
    assert_eq!(old_title["total"], 0);
    assert_eq!(new_title["total"], 1);
}

#[tokio::test]
async fn list_totals_are_right_on_every_kind_of_page() {
    let app = spawn_app().await;
    for n in 0..7 {
        app.create_deal(json!({ "title": format!("Lot {n}"), "amount": n })).await;
    }
    app.create_deal(json!({ "title": "Other", "amount": 1 })).await;

    for (query, total, rows) in [
        ("search=lot&limit=10", 7, 7),
        ("search=lot&limit=7", 7, 7),
        ("search=lot&limit=3", 7, 3),
        ("search=lot&limit=3&start=6", 7, 1),
        ("search=lot&limit=3&start=7", 7, 0),
        ("search=lot&limit=3&start=50", 7, 0),
        ("search=none&limit=3", 0, 0),
        ("limit=3&start=6", 8, 2),
    ] {
        let page = app.get_ok(&format!("/api/deals?{query}")).await;
        assert_eq!(page["total"], total, "total of {query}");
        assert_eq!(page["deals"].as_array().unwrap().len(), rows, "rows of {query}");
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
