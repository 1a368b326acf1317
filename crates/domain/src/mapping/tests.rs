//! Given a mapping and a body, when it is applied, then the payload, traces and notes are right.

use serde_json::{Value, json};

use super::*;

fn mapping(json: Value) -> Mapping {
    Mapping::parse(&json).unwrap_or_else(|error| panic!("{error}"))
}

fn problems(json: Value) -> Vec<(String, RuleProblem)> {
    match Mapping::parse(&json) {
        Err(MappingError::Rules(problems)) => problems.into_iter().map(|p| (p.field, p.problem)).collect(),
        other => panic!("expected rule problems, got {other:?}"),
    }
}

/// A JSON number as its exact text, not through `f64`.
fn exact(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn notes(outcome: &MappedOutcome) -> Vec<String> {
    outcome.notes.iter().map(ToString::to_string).collect()
}

#[test]
fn a_filter_path_picks_the_answer_by_its_ref_and_the_first_match_wins() {
    let mapping = mapping(json!({"fields": {
        "contact.email": {"path": "$.form_response.answers[?@.field.ref=='email'].email"},
        "contact.first_name": {"path": "$.form_response.answers[?@.type=='text'].text"}
    }}));
    let body = json!({"form_response": {"answers": [
        {"type": "text", "text": "Jane", "field": {"ref": "first_name"}},
        {"type": "email", "email": "jane@example.com", "field": {"ref": "email"}},
        {"type": "text", "text": "Example Ltd", "field": {"ref": "company"}}
    ]}});
    let outcome = mapping.apply(&body);
    assert_eq!(Value::Object(outcome.payload), json!({"contact": {"email": "jane@example.com", "first_name": "Jane"}}));
    assert!(outcome.notes.is_empty());
}

#[test]
fn a_path_that_matches_nothing_or_null_leaves_the_field_absent_without_a_note() {
    let mapping = mapping(json!({"fields": {"title": {"path": "$.missing"}, "close_date": {"path": "$.due"}}}));
    let outcome = mapping.apply(&json!({"due": null}));
    assert!(outcome.payload.is_empty());
    assert!(outcome.notes.is_empty());
    assert_eq!(outcome.fields.len(), 2);
    assert!(outcome.fields.iter().all(|trace| trace.raw.is_none() && trace.value.is_none()));
}

#[test]
fn a_template_joins_top_level_keys_and_reads_the_whole_body_as_body() {
    let mapping = mapping(json!({"fields": {
        "title": {"template": "{{ company }} - {{ plan }}"},
        "custom_fields.form": {"template": "{{ body['mautic.form'].name }} ({{ seats }} seats)"}
    }}));
    let body = json!({"company": "Example Ltd", "plan": "Enterprise", "seats": 25, "mautic.form": {"name": "Demo"}});
    let outcome = mapping.apply(&body);
    assert_eq!(
        Value::Object(outcome.payload),
        json!({"title": "Example Ltd - Enterprise", "custom_fields": {"form": "Demo (25 seats)"}})
    );
}

#[test]
fn a_template_that_prints_a_missing_value_leaves_its_field_absent_with_a_note() {
    let mapping = mapping(json!({"fields": {
        "title": {"template": "{{ company }} - {{ plan }}"},
        "contact.company": {"template": "{{ company or 'unknown' }}"}
    }}));
    let outcome = mapping.apply(&json!({"company": "Example Ltd"}));
    assert_eq!(Value::Object(outcome.payload.clone()), json!({"contact": {"company": "Example Ltd"}}));
    let notes = notes(&outcome);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].starts_with("title: the template could not be rendered: undefined value"), "{notes:?}");
}

#[test]
fn template_vars_read_the_body_by_jsonpath_and_a_missing_one_is_undefined() {
    let mapping = mapping(json!({"fields": {"title": {
        "template": "{% if company %}{{ company }} - {% endif %}{{ form }}",
        "vars": {
            "company": "$.answers[?@.ref=='company'].text",
            "form": "$.definition.title"
        }
    }}}));
    let answered =
        json!({"definition": {"title": "Demo request"}, "answers": [{"ref": "company", "text": "Example Ltd"}]});
    assert_eq!(mapping.apply(&answered).payload["title"], json!("Example Ltd - Demo request"));
    let skipped = json!({"definition": {"title": "Demo request"}, "answers": []});
    assert_eq!(mapping.apply(&skipped).payload["title"], json!("Demo request"));
}

#[test]
fn given_a_loop_in_a_loop_over_a_large_body_when_applied_then_the_template_stops_with_a_note() {
    // Found by the `mapping` fuzz target: without fuel such a template held a request for minutes.
    let nested = mapping(json!({"fields": {"title": {
        "template": "{% for a in items %}{% for b in items %}{{ a }}{% endfor %}{% endfor %}"
    }}}));
    let small = nested.apply(&json!({"items": [1, 2]}));
    assert_eq!(small.payload["title"], json!("1122"));
    let large = nested.apply(&json!({"items": vec![1; 2000]}));
    assert!(!large.payload.contains_key("title"));
    assert_eq!(notes(&large).len(), 1, "{:?}", notes(&large));
    let counting = mapping(
        json!({"fields": {"title": {"template": "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"}}}),
    );
    assert!(!counting.apply(&json!({})).payload.contains_key("title"));
}

#[test]
fn template_vars_win_over_body_keys_of_the_same_name() {
    let mapping = mapping(json!({"fields": {"title": {"template": "{{ name }}", "vars": {"name": "$.inner.name"}}}}));
    let outcome = mapping.apply(&json!({"name": "outer", "inner": {"name": "inner"}}));
    assert_eq!(outcome.payload["title"], json!("inner"));
}

#[test]
fn decimal_numbers_reach_templates_as_their_exact_text() {
    let mapping = mapping(json!({"fields": {"title": {"template": "Order of {{ total }}"}}}));
    let body: Value = serde_json::from_str(r#"{"total": 19.90}"#).unwrap();
    assert_eq!(mapping.apply(&body).payload["title"], json!("Order of 19.90"));
}

#[test]
fn a_stage_table_maps_a_value_it_has_and_notes_one_it_lacks() {
    let mapping = mapping(json!({"fields": {
        "title": {"value": "Example deal"},
        "stage": {"path": "$.event", "map": {"quoteWon": "Won", "quoteReady": "Proposal Sent"}}
    }}));
    let won = mapping.apply(&json!({"event": "quoteWon"}));
    assert_eq!(Value::Object(won.payload), json!({"title": "Example deal", "stage": "Won"}));
    assert!(won.notes.is_empty());

    let draft = mapping.apply(&json!({"event": "draftQuote"}));
    assert_eq!(Value::Object(draft.payload.clone()), json!({"title": "Example deal"}));
    assert_eq!(notes(&draft), ["stage: no entry for draftQuote in the table"]);
    let trace = draft.fields.iter().find(|trace| trace.field == "stage").unwrap();
    assert_eq!((trace.raw.clone(), trace.value.clone()), (Some(json!("draftQuote")), None));
}

#[test]
fn constants_and_the_idempotency_key_are_placed_where_they_belong() {
    let mapping = mapping(json!({"fields": {
        "idempotency_key": {"path": "$.event_info.event_id"},
        "custom_fields.source_system": {"value": "dealhub"},
        "pipeline_id": {"value": 2}
    }}));
    let outcome = mapping.apply(&json!({"event_info": {"event_id": 9001}}));
    assert_eq!(outcome.idempotency_key.as_deref(), Some("9001"));
    assert_eq!(
        Value::Object(outcome.payload),
        json!({"custom_fields": {"source_system": "dealhub"}, "pipeline_id": 2})
    );
}

#[test]
fn each_trace_says_where_its_value_came_from() {
    let mapping = mapping(json!({"fields": {"amount": {"path": "$.total"}, "currency": {"path": "$.cur"}}}));
    let outcome = mapping.apply(&json!({"total": "1,500.00", "cur": "eur"}));
    let traces = serde_json::to_value(&outcome.fields).unwrap();
    assert_eq!(
        traces,
        json!([
            {"field": "currency", "from": {"path": "$.cur"}, "raw": "eur", "value": "EUR"},
            {"field": "amount", "from": {"path": "$.total"}, "raw": "1,500.00", "value": exact("1500.00")}
        ])
    );
}

#[test]
fn minor_units_use_the_mapped_currency_whatever_the_rule_order() {
    let mapping = mapping(json!({
        "fields": {"amount": {"path": "$.amount_total"}, "currency": {"path": "$.currency"}},
        "amount_minor_units": true
    }));
    let outcome = mapping.apply(&json!({"amount_total": 1500050, "currency": "eur"}));
    assert_eq!(outcome.payload["amount"].to_string(), "15000.50");
    assert_eq!(outcome.payload["currency"], json!("EUR"));

    let without_currency = mapping.apply(&json!({"amount_total": 1500050}));
    assert!(!without_currency.payload.contains_key("amount"));
    assert_eq!(notes(&without_currency), ["amount: an amount in minor units needs a currency; map `currency` too"]);
}

#[test]
fn mapping_options_steer_coercion() {
    let mapping = mapping(json!({
        "fields": {"amount": {"path": "$.budget"}, "close_date": {"path": "$.due"}},
        "decimal_separator": ",", "date_format": "%d.%m.%Y"
    }));
    let outcome = mapping.apply(&json!({"budget": "15.000,50", "due": "30.06.2026"}));
    assert_eq!(outcome.payload["amount"].to_string(), "15000.50");
    assert_eq!(outcome.payload["close_date"], json!("2026-06-30"));
}

#[test]
fn every_bad_rule_is_reported_with_its_field() {
    let found = problems(json!({
        "fields": {
            "titel": {"value": "x"},
            "title": {"template": "{{ company "},
            "amount": {"path": "$.answers[?@.ref=="},
            "stage": {},
            "currency": {"path": "$.c", "value": "EUR"},
            "contact.email": {"path": "$.e", "map": {}},
            "contact.company": {"path": "$.company"},
            "contact.first_name": {"path": "$.first", "vars": {"a": "$.a"}},
            "contact.last_name": {"template": "{{ a }}", "vars": {"a": "$.a[?"}}
        },
        "date_format": "%Q"
    }));
    let fields: Vec<&str> = found.iter().map(|(field, _)| field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "amount",
            "contact.email",
            "contact.first_name",
            "contact.last_name",
            "currency",
            "date_format",
            "stage",
            "titel",
            "title"
        ]
    );
    assert!(matches!(found[0].1, RuleProblem::InvalidPath(_)));
    assert_eq!(found[1].1, RuleProblem::EmptyTable);
    assert_eq!(found[2].1, RuleProblem::VarsWithoutTemplate);
    assert!(matches!(&found[3].1, RuleProblem::InvalidPath(message) if message.starts_with("vars.a: ")));
    assert_eq!(found[4].1, RuleProblem::SeveralSources);
    assert!(matches!(found[5].1, RuleProblem::InvalidDateFormat(_)));
    assert_eq!(found[6].1, RuleProblem::NoSource);
    assert!(matches!(found[7].1, RuleProblem::UnknownTarget(_)));
    assert!(matches!(&found[8].1, RuleProblem::TemplateSyntax(message) if message.contains("syntax error")));
}

#[test]
fn parse_errors_read_as_sentences_naming_each_field() {
    let error = Mapping::parse(&json!({"fields": {"titel": {"value": "x"}, "stage": {}}})).unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("stage needs one of path, template or value; titel is not a field a mapping can fill"),
        "{text}"
    );
}

#[test]
fn parse_errors_become_field_errors_under_the_mapping() {
    let error = Mapping::parse(&json!({"fields": {"titel": {"value": "x"}}})).unwrap_err();
    let errors = error.field_errors("mapping");
    assert_eq!(errors.fields().collect::<Vec<_>>(), ["mapping.titel"]);
}

#[test]
fn a_mapping_of_the_wrong_shape_is_refused_whole() {
    for json in [
        json!([]),
        json!({"fields": []}),
        json!({"fields": {}, "decimal_separator": ";"}),
        json!({"fields": {}, "date_format": 5}),
        json!({"rules": {}}),
    ] {
        assert!(matches!(Mapping::parse(&json), Err(MappingError::Shape(_))), "{json}");
    }
}

#[test]
fn a_malformed_rule_is_reported_under_its_field_beside_the_other_problems() {
    let found = problems(json!({"fields": {
        "title": "$.name",
        "amount": {"path": "$.t", "coerce": "number"},
        "stage": {"path": "$["},
        "currency": {"path": "$.currency"}
    }}));
    let fields: Vec<&str> = found.iter().map(|(field, _)| field.as_str()).collect();
    assert_eq!(fields, ["amount", "stage", "title"]);
    assert!(matches!(&found[0].1, RuleProblem::Malformed(message) if message.contains("unknown field `coerce`")));
    assert!(matches!(found[1].1, RuleProblem::InvalidPath(_)));
    assert!(matches!(found[2].1, RuleProblem::Malformed(_)));
}

#[test]
fn a_mapping_round_trips_through_its_json() {
    let json = json!({
        "fields": {"stage": {"path": "$.event", "map": {"quoteWon": "Won"}}, "title": {"value": "x"}},
        "decimal_separator": ",", "amount_minor_units": true
    });
    let parsed = mapping(json.clone());
    assert_eq!(serde_json::to_value(parsed.spec()).unwrap(), json);
}

#[test]
fn without_a_mapping_the_body_is_the_payload() {
    let body = json!({"title": "Acme", "amount": 15000});
    let Value::Object(map) = body.clone() else { unreachable!() };
    let outcome = MappedOutcome::unmapped(map);
    assert_eq!(Value::Object(outcome.payload), body);
    assert!(outcome.idempotency_key.is_none() && outcome.fields.is_empty() && outcome.notes.is_empty());
}

#[test]
fn a_compiled_mapping_can_be_shared_across_request_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Mapping>();
    shareable::<MappedOutcome>();
}
