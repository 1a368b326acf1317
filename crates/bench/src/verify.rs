//! The dispatch benchmark's check: every triggered event in the log arrived at least once and,
//! for an ordered hook (`maxInFlight` 1), per trigger, first arrived in log order (ASC).

use std::collections::HashSet;

use eventlog::{EventFilter, reader};
use uuid::Uuid;

use crate::sink::Arrival;

/// The triggers the benchmark's hook subscribes to, with the event type that fires each.
const FIRED_BY: [(&str, &str); 2] =
    [("mautic.lead_post_save_new", "contact.created"), ("dealflow.deal.created", "deal.created")];

/// Compares the arrivals with the log (read after the server stopped).
pub fn every_event_arrived(database: &eventlog::Database, arrivals: &[Arrival], in_order: bool) -> anyhow::Result<()> {
    let logged_of = |filter: &EventFilter| -> anyhow::Result<Vec<Uuid>> {
        crate::store::read(database, |conn| {
            Ok(reader::read_all(conn, 0, usize::MAX, filter)?.iter().map(|e| e.event_id).collect())
        })
    };
    for (trigger, event_type) in FIRED_BY {
        let filter = EventFilter { types: vec![event_type.to_owned()], ..EventFilter::default() };
        let logged: Vec<Uuid> = logged_of(&filter)?;
        let mut seen = HashSet::new();
        let first_arrivals: Vec<Uuid> = arrivals
            .iter()
            .filter(|a| a.trigger == trigger)
            .map(|a| a.event_id)
            .filter(|id| seen.insert(*id))
            .collect();
        let missing = logged.iter().filter(|id| !seen.contains(id)).count();
        anyhow::ensure!(missing == 0, "{missing} of {} {event_type} events never arrived", logged.len());
        anyhow::ensure!(!in_order || first_arrivals == logged, "{trigger} events arrived out of log order");
    }
    Ok(())
}
