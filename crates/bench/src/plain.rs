//! The plain sender's bodies for `ingest` and `dispatch`: SPEC §5's example payload, with the
//! keys a real sender's delivery carries, and a share of returning contacts.

use serde_json::json;

/// Realistic payloads: the spec's example shape, with a share (0–1) of returning contacts.
pub fn payloads(count: usize, existing_contacts: f64, run: usize) -> Vec<String> {
    let returning = (existing_contacts.clamp(0.0, 1.0) * 100.0).round() as usize;
    (0..count)
        .map(|i| {
            let email = if i % 100 < returning { format!("returning-{}@example.com", i % 500) } else { format!("new-{run}-{i}@example.com") };
            json!({
                "external_id": format!("bench-{run}-{i}"),
                "title": format!("Acme Corp {i} - Enterprise Plan"), "amount": 15000 + (i % 1000), "close_date": "2026-06-30",
                "contact": { "email": email, "first_name": "Jane", "last_name": "Doe", "company": "Acme Corp" },
                "custom_fields": { "source_system": "typeform", "form_id": format!("form-{}", i % 17) }
            })
            .to_string()
        })
        .collect()
}
