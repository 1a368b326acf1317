//! Read models rebuilt from the log equal the incrementally built ones (issue 4).

use eventlog::sql::{Db, Value as SqlValue};
use eventlog::{EventStore, StorageError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

/// What the random commands know exists.
struct World {
    deals: Vec<u64>,
    contacts: Vec<u64>,
    tasks: Vec<(u64, u64)>,
    pipelines: Vec<(u64, Vec<u64>)>,
    external_ids: u64,
}

fn amount(rng: &mut StdRng) -> Value {
    let cents: u64 = rng.gen_range(0..5_000_000);
    serde_json::from_str(&format!("{}.{:02}", cents / 100, cents % 100)).unwrap()
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> Option<T> {
    (!items.is_empty()).then(|| items[rng.gen_range(0..items.len())])
}

async fn random_command(app: &TestApp, source: &TestSource, rng: &mut StdRng, world: &mut World) {
    let deal = pick(rng, &world.deals);
    let (pipeline, stages) = world.pipelines[rng.gen_range(0..world.pipelines.len())].clone();
    let stage = stages[rng.gen_range(0..stages.len())];
    match (rng.gen_range(0..100), deal) {
        (0..15, _) | (_, None) => {
            let contacts: Vec<u64> = pick(rng, &world.contacts).into_iter().collect();
            let body = json!({ "title": format!("Deal {}", rng.r#gen::<u16>()), "amount": amount(rng),
                "pipeline_id": pipeline, "stage_id": stage, "contact_ids": contacts, "custom_fields": { "n": rng.gen_range(0..5) } });
            let response = app.send_json(Method::POST, "/api/deals/new", &body).await;
            if response.status() == 201 {
                world.deals.push(json(response).await["deal"]["id"].as_u64().unwrap());
            }
        }
        (15..30, Some(deal)) => {
            let mut body = json!({});
            if rng.gen_bool(0.5) {
                body["title"] = json!(format!("Renamed {}", rng.gen_range(0..3)));
            }
            if rng.gen_bool(0.5) {
                body["amount"] = amount(rng);
            }
            if rng.gen_bool(0.3) {
                body["close_date"] = if rng.gen_bool(0.5) { json!("2026-12-31") } else { Value::Null };
            }
            if rng.gen_bool(0.3) {
                body["currency"] = json!(["USD", "EUR", "GBP"][rng.gen_range(0..3)]);
            }
            if rng.gen_bool(0.3) {
                body["custom_fields"] = json!({ "n": rng.gen_range(0..3), "gone": Value::Null });
            }
            app.send_json(Method::PATCH, &format!("/api/deals/{deal}/edit"), &body).await;
        }
        (30..45, Some(deal)) => {
            let body = if rng.gen_bool(0.8) {
                json!({ "stage_id": stage, "pipeline_id": pipeline })
            } else {
                json!({ "stage_id": stage })
            };
            app.send_json(Method::POST, &format!("/api/deals/{deal}/stage"), &body).await;
        }
        (45..55, Some(deal)) => {
            let body = match pick(rng, &world.contacts) {
                Some(contact) if rng.gen_bool(0.5) => json!({ "contact_id": contact }),
                _ => json!({ "email": format!("person{}@example.com", rng.gen_range(0..60)), "first_name": "P" }),
            };
            app.send_json(Method::POST, &format!("/api/deals/{deal}/contacts/add"), &body).await;
        }
        (55..63, Some(deal)) => {
            app.send_json(
                Method::POST,
                &format!("/api/deals/{deal}/notes/new"),
                &json!({ "text": format!("note {}", rng.r#gen::<u8>()) }),
            )
            .await;
        }
        (63..70, Some(deal)) => {
            let answer = json(
                app.send_json(Method::POST, &format!("/api/deals/{deal}/tasks/new"), &json!({ "title": "task" })).await,
            )
            .await;
            world.tasks.push((deal, answer["task"]["id"].as_u64().unwrap()));
        }
        (70..75, _) => {
            if let Some((deal, task)) = pick(rng, &world.tasks) {
                app.send_json(Method::POST, &format!("/api/deals/{deal}/tasks/{task}/complete"), &json!({})).await;
            }
        }
        (75..83, _) => {
            let body = json!({ "email": format!("person{}@example.com", rng.gen_range(0..60)), "company": "Acme" });
            let response = app.send_json(Method::POST, "/api/contacts/new", &body).await;
            if response.status() == 201 {
                world.contacts.push(json(response).await["contact"]["id"].as_u64().unwrap());
            }
        }
        (83..88, _) => {
            if let Some(contact) = pick(rng, &world.contacts) {
                let body = json!({ "last_name": format!("L{}", rng.gen_range(0..4)), "company": Value::Null });
                app.send_json(Method::PATCH, &format!("/api/contacts/{contact}/edit"), &body).await;
            }
        }
        (88..90, _) => {
            let body = json!({ "name": format!("Pipeline {}", world.pipelines.len()), "stages": [{ "name": "A" }, { "name": "B", "probability": 40 }, { "name": "W", "type": "won" }] });
            let created = app.post_ok("/api/pipelines/new", &body, 201).await;
            let stages =
                created["pipeline"]["stages"].as_array().unwrap().iter().map(|s| s["id"].as_u64().unwrap()).collect();
            world.pipelines.push((created["pipeline"]["id"].as_u64().unwrap(), stages));
        }
        (90..93, _) => {
            let body = json!({ "name": format!("Renamed {}", rng.gen_range(0..3)), "stages": [{ "id": stage, "probability": rng.gen_range(0..=100) }, { "name": "Added" }] });
            let edited =
                json(app.send_json(Method::PATCH, &format!("/api/pipelines/{pipeline}/edit"), &body).await).await;
            if let Some(stages) = edited["pipeline"]["stages"].as_array() {
                let index = world.pipelines.iter().position(|(id, _)| *id == pipeline).unwrap();
                world.pipelines[index].1 = stages.iter().map(|s| s["id"].as_u64().unwrap()).collect();
            }
        }
        _ => {
            let update = world.external_ids > 0 && rng.gen_bool(0.5);
            let external_id = if update { rng.gen_range(0..world.external_ids) } else { world.external_ids };
            world.external_ids += u64::from(!update);
            let payload = json!({ "external_id": format!("ext-{external_id}"), "title": format!("Inbound {}", rng.gen_range(0..3)),
                "amount": amount(rng), "contact": { "email": format!("person{}@example.com", rng.gen_range(0..60)) } });
            let answer = json(app.post_inbound(source, &payload).await).await;
            if let Some(id) = answer["deal"]["id"].as_u64().filter(|id| !world.deals.contains(id)) {
                world.deals.push(id);
            }
        }
    }
}

/// Every read-model row, table by table, in key order.
fn dump_read_models(log: &EventStore) -> String {
    log.read(|conn| Ok::<_, StorageError>(dump_tables(conn))).unwrap()
}

fn dump_tables(conn: &Db<'_>) -> String {
    let mut dump = String::new();
    for table in [
        "rm_pipelines",
        "rm_stages",
        "rm_contacts",
        "rm_deals",
        "rm_deal_contacts",
        "rm_deal_notes",
        "rm_deal_tasks",
        "rm_board",
    ] {
        let mut statement = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")).unwrap();
        let rows = statement
            .query_map([], |row| (0..row.column_count()).map(|i| row.get::<SqlValue>(i)).collect::<Result<Vec<_>, _>>())
            .unwrap();
        for row in rows {
            dump.push_str(&format!("{table} {:?}\n", row.unwrap()));
        }
    }
    dump
}

#[tokio::test]
async fn a_rebuild_after_a_thousand_random_commands_equals_the_incremental_read_models() {
    let app = spawn_app().await;
    let source = app.create_source("random").await;
    let mut rng = StdRng::seed_from_u64(20_261_124);
    let mut world = World {
        deals: vec![],
        contacts: vec![],
        tasks: vec![],
        pipelines: vec![(1, (1..=6).collect())],
        external_ids: 0,
    };
    for _ in 0..1000 {
        random_command(&app, &source, &mut rng, &mut world).await;
    }
    assert!(app.log.wait_for_checkpoint(projection::CONSUMER, app.head(), std::time::Duration::from_secs(10)).await);
    let incremental = dump_read_models(&app.log);

    let replayed = projection::rebuild(&app.log, 97, |_, _| {}).await.unwrap();
    let rebuilt = dump_read_models(&app.log);

    // The app's own projector runs meanwhile and may apply some of the batches itself.
    assert!(replayed > 0 && app.head() >= 1000, "replayed {replayed} of {} events", app.head());
    assert!(
        world.deals.len() > 100 && incremental.matches("rm_deal_tasks").count() > 10,
        "the commands did too little"
    );
    assert_eq!(incremental.lines().count(), rebuilt.lines().count());
    for (before, after) in incremental.lines().zip(rebuilt.lines()) {
        assert_eq!(before, after);
    }
}
