//! `GET /health` (the process answers) and `GET /ready` (database reachable, migrations
//! applied, every role of this process running, how far each consumer lags behind the log).

use actix_web::{HttpResponse, web};
use chrono::Utc;
use dispatcher::delivery::state::lease_counts;
use eventlog::{EventLog, EventStore, Migration, StorageError, migrations};
use serde_json::{Map, Value, json};

/// What `/ready` checks.
pub struct Readiness {
    pub log: EventStore,
    pub migrations: Vec<Migration>,
    /// The roles the supervisor runs; one stopped makes the process unready.
    pub roles: crate::supervisor::Roles,
    /// The leases of the roles this process may run one at a time across processes.
    pub leases: Vec<eventlog::Lease>,
    /// The name this process's dispatcher takes hook leases under, when it runs one.
    pub dispatcher: Option<String>,
}

/// `GET /health`
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// `GET /ready`: 200 when ready, 503 with the reason otherwise.
pub async fn ready(readiness: web::Data<Readiness>) -> HttpResponse {
    let readiness = readiness.into_inner();
    let checked = web::block(move || check(&readiness)).await;
    match checked {
        Ok(Ok(report)) => {
            let ready = report["status"] == "ready";
            let mut response = if ready { HttpResponse::Ok() } else { HttpResponse::ServiceUnavailable() };
            response.json(report)
        }
        Ok(Err(error)) => HttpResponse::ServiceUnavailable()
            .json(json!({ "status": "unavailable", "database": format!("unreachable: {error}") })),
        Err(error) => {
            HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable", "error": error.to_string() }))
        }
    }
}

fn check(readiness: &Readiness) -> Result<Value, StorageError> {
    let log = &readiness.log;
    let pending = log.read(|conn| migrations::pending(conn, &readiness.migrations))?;
    let head = log.head()?;
    let consumers: Map<String, Value> = consumer_positions(log)?
        .into_iter()
        .map(|(name, position)| (name, json!({ "position": position, "lag": head.saturating_sub(position) })))
        .collect();
    let roles_running = readiness.roles.all_running();
    let status = match (pending.is_empty(), roles_running) {
        (true, true) => "ready",
        (false, _) => "migrations pending",
        (true, false) => "a role stopped",
    };
    let mut leases: Map<String, Value> = readiness
        .leases
        .iter()
        .map(|lease| (lease.name().to_owned(), json!(if lease.is_held() { "held" } else { "standby" })))
        .collect();
    if let Some(owner) = &readiness.dispatcher {
        let (held, elsewhere) = log.read(|conn| Ok::<_, StorageError>(lease_counts(conn, owner, Utc::now())?))?;
        leases.insert("hook_deliveries".into(), json!({ "held": held, "held_elsewhere": elsewhere }));
    }
    Ok(json!({
        "status": status,
        "database": "ok",
        "head_position": head,
        "migrations": { "known": readiness.migrations.len(), "pending": pending },
        "consumers": consumers,
        "roles": readiness.roles.report(),
        "leases": leases,
    }))
}

/// Every consumer's checkpoint.
pub fn consumer_positions(log: &EventStore) -> Result<Vec<(String, u64)>, StorageError> {
    log.read(|conn| {
        let mut query = conn.prepare_cached("SELECT name, position FROM checkpoints ORDER BY name")?;
        let rows = query.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    })
}
