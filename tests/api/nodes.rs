//! Several nodes on one store (issue 14): a second `dealflow serve` process, the real binary, on
//! the same database as the test's application. On PostgreSQL they are two nodes of a cluster;
//! on SQLite two processes sharing one file. Either way their writes meet at the one append point.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use crate::helpers::*;
use crate::served::Served;

/// POSTs a signed payload to a source's endpoint on the node at `base`.
async fn post_signed(client: &reqwest::Client, base: &str, source: &TestSource, payload: &Value) -> (u16, Value) {
    let response = send_signed(client, base, source, payload, &[]).await.unwrap();
    (response.status().as_u16(), json(response).await)
}

/// Sends a signed payload with extra headers; `Err` when no answer came (a killed node).
async fn send_signed(
    client: &reqwest::Client,
    base: &str,
    source: &TestSource,
    payload: &Value,
    headers: &[(&str, &str)],
) -> reqwest::Result<reqwest::Response> {
    let body = payload.to_string();
    let mut request = client
        .post(format!("{base}/deal-flow/settings/inbound-webhooks/{}/receive", source.id))
        .header("Content-Type", "application/json")
        .header("X-DealFlow-Signature", sign(&source.secret, body.as_bytes()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(body).send().await
}

#[tokio::test]
async fn two_api_nodes_racing_on_new_emails_store_every_acknowledged_deal_once_and_one_contact_per_email() {
    let app = spawn_app().await;
    let source = app.create_source("Two nodes").await;
    let second = Served::start(app.store.env());
    let nodes = [app.address.clone(), second.address()];

    // Forty deals, four per new email, the requests of each email split between the two nodes.
    let requests = (0..40).map(|i| {
        let payload =
            json!({ "title": format!("Deal {i}"), "contact": { "email": format!("racer-{}@example.com", i / 4) } });
        let (client, base, source) = (&app.client, &nodes[i % 2], &source);
        async move { (i / 4, post_signed(client, base, source, &payload).await) }
    });
    let answers = futures::future::join_all(requests).await;

    let mut deals = HashSet::new();
    let mut contact_of_email: HashMap<usize, HashSet<u64>> = HashMap::new();
    for (email, (status, body)) in &answers {
        assert_eq!(*status, 201, "{body}");
        deals.insert(body["deal"]["id"].as_u64().unwrap());
        contact_of_email.entry(*email).or_default().insert(body["contact"]["id"].as_u64().unwrap());
    }
    assert_eq!(deals.len(), 40, "every acknowledged deal is its own");
    assert!(contact_of_email.values().all(|ids| ids.len() == 1), "one contact per email: {contact_of_email:?}");
    let created: Vec<String> = app.events_of_type("deal.created").iter().map(|e| e.stream.clone()).collect();
    assert_eq!(created.len(), 40, "each deal is in the log once");
    assert_eq!(created.iter().collect::<HashSet<_>>().len(), 40);
    assert_eq!(app.events_of_type("contact.created").len(), 10);
    let positions: Vec<u64> = app.events_of_type("deal.created").iter().map(|e| e.position).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "positions rise in commit order");
    assert_eq!(
        eventlog::EventLog::read_all(&app.log, 0, 10_000, &Default::default()).unwrap().len() as u64,
        app.head()
    );
}

#[tokio::test]
async fn a_kill_9_of_an_api_node_under_load_loses_no_acknowledged_deal_and_retries_store_each_deal_once() {
    use futures::StreamExt;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let app = spawn_app().await;
    let source = app.create_source("Two nodes, one killed").await;
    let second = std::sync::Mutex::new(Served::start(app.store.env()));
    let second_url = second.lock().unwrap().address();
    let (requests, kill_after) = (200, 40);
    let payload = |i: usize| json!({ "title": format!("Deal {i}"), "contact": { "email": format!("kill-{}@example.com", i % 50) } });
    let answered_by_second = AtomicUsize::new(0);

    // Each request has its own Idempotency-Key; the odd ones go to the node that is killed with
    // kill -9 once it has answered 40, while 16 requests are in flight.
    let first_tries = futures::stream::iter(0..requests)
        .map(|i| {
            let (base, key) = (if i % 2 == 0 { &app.address } else { &second_url }, format!("order-{i}"));
            let (client, source, answered) = (&app.client, &source, &answered_by_second);
            async move {
                let sent = send_signed(client, base, source, &payload(i), &[("Idempotency-Key", &key)]).await;
                let status = sent.map(|response| response.status().as_u16()).ok();
                if status.is_some() && i % 2 == 1 {
                    answered.fetch_add(1, Ordering::SeqCst);
                }
                (i, status)
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>();
    let killer = async {
        while answered_by_second.load(Ordering::SeqCst) < kill_after {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        second.lock().unwrap().kill();
    };
    let (first_tries, ()) = tokio::join!(first_tries, killer);

    let acknowledged: HashSet<usize> = first_tries.iter().filter(|(_, s)| *s == Some(201)).map(|(i, _)| *i).collect();
    let unanswered: Vec<usize> = first_tries.iter().filter(|(_, s)| *s != Some(201)).map(|(i, _)| *i).collect();
    assert!(!unanswered.is_empty(), "the kill cut some requests short");
    assert!(acknowledged.len() > requests / 2, "the surviving node answered its half: {}", acknowledged.len());
    // What the killed node never answered, the sender retries on the survivor with the same key.
    for i in unanswered {
        let key = format!("order-{i}");
        let headers = [("Idempotency-Key", key.as_str())];
        let retried = send_signed(&app.client, &app.address, &source, &payload(i), &headers).await.unwrap();
        assert_eq!(retried.status(), 201, "request {i} retried");
    }

    let titles: Vec<String> = app
        .events_of_type("deal.created")
        .iter()
        .map(|e| serde_json::from_str::<Value>(&e.data).unwrap()["title"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(titles.len(), requests, "each deal in the log once: {titles:?}");
    assert_eq!(titles.iter().collect::<HashSet<_>>().len(), requests);
    assert_eq!(app.events_of_type("contact.created").len(), 50, "one contact per email");
    assert_eq!(
        eventlog::EventLog::read_all(&app.log, 0, 10_000, &Default::default()).unwrap().len() as u64,
        app.head(),
        "positions stay gapless"
    );
}

/// `/ready` of a node, as JSON.
async fn ready(client: &reqwest::Client, base: &str) -> Value {
    json(client.get(format!("{base}/ready")).send().await.unwrap()).await
}

/// Waits until `check` holds of the node's `/ready`, at most `limit`; answers how long it took.
async fn until_ready(
    client: &reqwest::Client,
    base: &str,
    limit: std::time::Duration,
    check: impl Fn(&Value) -> bool,
) -> std::time::Duration {
    let started = std::time::Instant::now();
    loop {
        let answer = ready(client, base).await;
        if check(&answer) {
            return started.elapsed();
        }
        assert!(started.elapsed() < limit, "{base}/ready never got there: {answer}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_standby_projector_takes_over_within_the_lease_time_after_the_active_one_is_killed() {
    let app = spawn_app_with(|settings| settings.roles.projector = false).await;
    let mut env = app.store.env();
    env.push(("DEALFLOW_LEASE_SECONDS", "2".into()));
    let mut first = Served::start(env.clone());
    let (client, first_url) = (&app.client, first.address());
    let long = std::time::Duration::from_secs(30);
    until_ready(client, &first_url, long, |r| r["leases"]["projection"] == "held").await;
    let second = Served::start(env);
    let second_url = second.address();
    until_ready(client, &second_url, long, |r| r["leases"]["projection"] == "standby").await;
    assert_eq!(ready(client, &app.address).await["leases"].get("projection"), None, "the app runs no projector");

    first.kill();
    let deal = app.create_deal(json!({ "title": "Projected by the standby" })).await;
    let took = until_ready(client, &second_url, long, |r| r["leases"]["projection"] == "held").await;

    // The lease runs out 2 s after the killed node's last renewal; the standby tries every 2/3 s.
    assert!(took < std::time::Duration::from_secs(5), "the standby took {took:?} to take over");
    let id = deal["id"].as_u64().unwrap();
    let started = std::time::Instant::now();
    while app.admin_get(&format!("/api/deals/{id}")).await.status() != 200 {
        assert!(started.elapsed() < long, "the standby never projected deal {id}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn two_dispatchers_deliver_one_asc_hook_in_log_order_one_request_at_a_time_even_after_a_kill_9() {
    let receiver = crate::receiver::Receiver::start().await;
    let app = spawn_app_with(|settings| settings.roles.dispatcher = false).await;
    // A short timeout keeps the lease a killed dispatcher leaves behind short (timeout + 5 s).
    app.patch_settings(json!({ "timeout": 1, "batch_limit": 1 })).await;
    app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.created"])).await;
    let mut env = app.store.env();
    env.push(("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true".into()));
    let mut first = Served::start(env.clone());
    let _second = Served::start(env);

    for i in 0..60 {
        app.create_deal(json!({ "title": format!("Deal {i}") })).await;
        if i == 30 {
            first.kill();
        }
    }
    let logged: Vec<String> = app.events_of_type("deal.created").iter().map(|e| e.event_id.to_string()).collect();
    let started = std::time::Instant::now();
    while receiver.distinct_event_ids().len() < logged.len() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "{} arrived",
            receiver.distinct_event_ids().len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    assert_eq!(receiver.distinct_event_ids(), logged, "every event, first arriving in log order");
    assert_eq!(receiver.most_at_once(), 1, "never two requests of the hook at once");
}

#[tokio::test]
async fn ready_shows_the_dispatcher_that_holds_a_hooks_lease_and_the_other_sees_it_held_elsewhere() {
    let receiver = crate::receiver::Receiver::start().await;
    let app = spawn_app_with(|settings| settings.roles.dispatcher = false).await;
    app.create_hook(hook_body("CRM", &receiver.url, &["dealflow.deal.created"])).await;
    let mut env = app.store.env();
    env.push(("DEALFLOW_ALLOW_PRIVATE_TARGETS", "true".into()));
    let (first, second) = (Served::start(env.clone()), Served::start(env));
    let (client, nodes) = (&app.client, [first.address(), second.address()]);
    let idle = json!({ "held": 0, "held_elsewhere": 0 });
    for node in &nodes {
        until_ready(client, node, std::time::Duration::from_secs(30), |r| r["leases"]["hook_deliveries"] == idle).await;
    }

    let request = receiver.hold_next();
    app.create_deal(json!({ "title": "Held open" })).await;
    receiver.wait_for(1).await;
    let mut seen = Vec::new();
    for node in &nodes {
        seen.push(ready(client, node).await["leases"]["hook_deliveries"].clone());
    }
    request.notify_one();

    seen.sort_by_key(|leases| leases["held"].as_u64());
    assert_eq!(
        seen,
        [json!({ "held": 0, "held_elsewhere": 1 }), json!({ "held": 1, "held_elsewhere": 0 })],
        "the sending node holds the hook's lease; the other sees it held elsewhere"
    );
    assert_eq!(ready(client, &app.address).await["leases"].get("hook_deliveries"), None, "the app runs no dispatcher");
    for node in &nodes {
        until_ready(client, node, std::time::Duration::from_secs(30), |r| r["leases"]["hook_deliveries"] == idle).await;
    }
}
