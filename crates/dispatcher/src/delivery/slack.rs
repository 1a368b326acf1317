//! `payloadFormat: "slack"`: a `{"text": …}` body that a Slack incoming webhook accepts, one
//! summary line per event, e.g. "Deal *Acme Corp - Enterprise Plan* won — 15,000 USD". Money is
//! written as [`super::money`] describes.

use domain::values::{Amount, Currency};
use serde_json::{Value, json};

/// The Slack body for a batch of items (the JSON of each item, with its trigger).
pub fn body<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let lines: Vec<String> = items
        .into_iter()
        .map(|(trigger, item)| serde_json::from_str::<Value>(item).map(|item| line(trigger, &item)).unwrap_or_default())
        .collect();
    json!({ "text": lines.join("\n") }).to_string()
}

/// Slack's own escaping for message text.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

pub(super) fn line(trigger: &str, item: &Value) -> String {
    let deal = &item["deal"];
    let title = format!("*{}*", escape(deal["title"].as_str().unwrap_or("untitled")));
    let money = money(deal);
    let stage = |v: &Value| escape(v["name"].as_str().unwrap_or("?"));
    let email = |v: &Value| escape(v["email"].as_str().unwrap_or("a contact"));
    match trigger {
        "dealflow.deal.created" => {
            format!("New deal {title} — {money} ({}, {})", stage(&deal["stage"]), stage(&deal["pipeline"]))
        }
        "dealflow.deal.updated" => format!("Deal {title} updated ({})", changed_fields(&item["changes"], deal)),
        "dealflow.deal.stage_changed" => {
            format!("Deal {title} moved from {} to {}", stage(&item["previous_stage"]), stage(&deal["stage"]))
        }
        "dealflow.deal.won" => format!("Deal {title} won — {money}"),
        "dealflow.deal.lost" => format!("Deal {title} lost — {money}"),
        "dealflow.deal.contact_added" => format!("{} joined deal {title}", email(&item["contact"])),
        "dealflow.deal.note_added" => {
            format!("Note on deal {title}: {}", escape(item["note"]["text"].as_str().unwrap_or("")))
        }
        "dealflow.deal.task_completed" => {
            format!(
                "Task \u{201c}{}\u{201d} completed on deal {title}",
                escape(item["task"]["title"].as_str().unwrap_or(""))
            )
        }
        "mautic.lead_post_save_new" => format!("New contact {}", email(&item["contact"]["fields"]["all"])),
        "mautic.lead_post_save_update" => format!("Contact {} updated", email(&item["contact"]["fields"]["all"])),
        other => format!("{other}: {title}"),
    }
}

/// `changes: {field: {old, new}}` (SPEC §7) as "amount: 1,000 USD → 1,500 USD, title: A → B"; the
/// amount is written in the deal's currency, and an empty value as "none".
fn changed_fields(changes: &Value, deal: &Value) -> String {
    let fields: Vec<String> = changes
        .as_object()
        .map(|c| c.iter().map(|(field, change)| changed_field(field, change, deal)).collect())
        .unwrap_or_default();
    if fields.is_empty() { "no fields".into() } else { fields.join(", ") }
}

fn changed_field(field: &str, change: &Value, deal: &Value) -> String {
    let value = |v: &Value| match v {
        Value::Null => "none".to_owned(),
        Value::String(text) if text.is_empty() => "none".to_owned(),
        _ if field == "amount" => money(&json!({ "amount": v, "currency": deal["currency"] })),
        Value::String(text) => escape(text),
        other => escape(&other.to_string()),
    };
    format!("{}: {} \u{2192} {}", field.replace('_', " "), value(&change["old"]), value(&change["new"]))
}

/// The deal's amount in its currency; the bare amount when an item lacks a currency.
fn money(deal: &Value) -> String {
    let amount = Amount::from_json(&deal["amount"]).unwrap_or(Amount::ZERO);
    match deal["currency"].as_str().map(Currency::parse) {
        Some(Ok(currency)) => super::money::format(amount, currency),
        _ => amount.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_won_deal_reads_as_the_spec_example() {
        let item = json!({ "deal": { "title": "Acme Corp - Enterprise Plan", "amount": 15000, "currency": "USD" } })
            .to_string();
        let body: Value = serde_json::from_str(&body([("dealflow.deal.won", item.as_str())])).unwrap();
        assert_eq!(body["text"], "Deal *Acme Corp - Enterprise Plan* won — 15,000 USD");
    }

    #[test]
    fn an_update_reads_each_field_from_its_old_to_its_new_value() {
        let item = json!({ "deal": { "title": "A", "currency": "EUR" }, "changes": {
            "amount": { "old": 1000, "new": Amount::parse("1500.5").unwrap() },
            "close_date": { "old": null, "new": "2026-12-31" },
            "title": { "old": "A<", "new": "A" } } });
        assert_eq!(
            line("dealflow.deal.updated", &item),
            "Deal *A* updated (amount: 1,000 EUR \u{2192} 1,500.50 EUR, \
             close date: none \u{2192} 2026-12-31, title: A&lt; \u{2192} A)"
        );
    }

    #[test]
    fn amounts_show_minor_units_and_text_is_escaped() {
        let won = |amount: &str, currency: &str| {
            let item =
                json!({ "deal": { "title": "A", "amount": Amount::parse(amount).unwrap(), "currency": currency } });
            line("dealflow.deal.lost", &item)
        };
        assert_eq!(won("15000.5", "EUR"), "Deal *A* lost — 15,000.50 EUR");
        assert_eq!(won("1500", "JPY"), "Deal *A* lost — 1,500 JPY");
        assert_eq!(won("1234.5", "KWD"), "Deal *A* lost — 1,234.500 KWD");
        let item = json!({ "deal": { "title": "A<b>&c", "amount": 1, "currency": "EUR",
            "stage": { "name": "Won" } }, "previous_stage": { "name": "Lead In" } })
        .to_string();
        assert_eq!(
            line("dealflow.deal.stage_changed", &serde_json::from_str(&item).unwrap()),
            "Deal *A&lt;b&gt;&amp;c* moved from Lead In to Won"
        );
    }
}
