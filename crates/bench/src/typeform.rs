//! Typeform `form_response` bodies for `ingest --preset typeform`: the shape of the domain's
//! Typeform fixture (Typeform's documented example payload, made up by us), with the event id,
//! response token, email, company and budget varied per request.

use serde_json::{Value, json};

/// The fixture every body is shaped after.
const FIXTURE: &str = include_str!("../../domain/tests/fixtures/typeform.json");

/// `count` Typeform bodies; a share (0–1) of them answer with an email seen before.
pub fn payloads(count: usize, existing_contacts: f64, run: usize) -> anyhow::Result<Vec<String>> {
    let shape: Value = serde_json::from_str(FIXTURE)?;
    let returning = (existing_contacts.clamp(0.0, 1.0) * 100.0).round() as usize;
    (0..count)
        .map(|i| {
            let email = if i % 100 < returning {
                format!("returning-{}@example.com", i % 500)
            } else {
                format!("new-{run}-{i}@example.com")
            };
            let mut body = shape.clone();
            body["event_id"] = json!(format!("01BENCH{run:04}EVENT{i:08}"));
            body["form_response"]["token"] = json!(format!("bench-{run}-{i}"));
            set_answer(&mut body, "email", "email", json!(email))?;
            set_answer(&mut body, "company", "text", json!(format!("Acme Corp {}", i % 50)))?;
            set_answer(&mut body, "amount", "number", json!(15000 + (i % 1000)))?;
            Ok(body.to_string())
        })
        .collect()
}

/// Sets the value (under `key`, as Typeform keys it by answer type) of the answer to the
/// question whose `field.ref` is `reference`.
fn set_answer(body: &mut Value, reference: &str, key: &str, value: Value) -> anyhow::Result<()> {
    let answer = body["form_response"]["answers"]
        .as_array_mut()
        .and_then(|answers| answers.iter_mut().find(|a| a["field"]["ref"] == reference))
        .ok_or_else(|| anyhow::anyhow!("the Typeform fixture has no answer with ref {reference:?}"))?;
    answer[key] = value;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_half_returning_contacts_when_building_bodies_then_each_has_its_own_event_and_token() {
        let bodies: Vec<Value> =
            payloads(200, 0.5, 3).unwrap().iter().map(|b| serde_json::from_str(b).unwrap()).collect();

        let distinct = |f: fn(&Value) -> &Value| {
            bodies.iter().map(|b| f(b).to_string()).collect::<std::collections::HashSet<_>>().len()
        };
        assert_eq!(distinct(|b| &b["event_id"]), 200);
        assert_eq!(distinct(|b| &b["form_response"]["token"]), 200);
        let emails: Vec<&str> =
            bodies.iter().map(|b| b["form_response"]["answers"][0]["email"].as_str().unwrap()).collect();
        assert_eq!(emails.iter().filter(|e| e.starts_with("returning-")).count(), 100);
        assert_eq!(bodies[0]["form_response"]["answers"][0]["field"]["ref"], "email");
    }
}
