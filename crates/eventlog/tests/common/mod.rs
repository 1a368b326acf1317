//! Helpers shared by the SQLite log's tests: a log on a file, and events of a set size.
#![allow(dead_code)] // each test file uses its own share of them

use std::path::Path;

use domain::ids::StreamName;
use domain::{Actor, Metadata};
use eventlog::*;
use uuid::Uuid;

pub fn open(path: &Path) -> EventStore {
    EventStore::open(path, migrations::MIGRATIONS, LogSettings::default()).unwrap()
}

pub fn event(n: u64) -> NewEvent {
    typed_event("test.happened", n)
}

pub fn typed_event(event_type: &str, n: u64) -> NewEvent {
    let data = format!(r#"{{"n":{n},"padding":"{}"}}"#, "x".repeat(300));
    let metadata = serde_json::to_string(&Metadata::new(Actor::system(), None)).unwrap();
    NewEvent::raw(Uuid::now_v7(), event_type, 1, data, metadata).unwrap()
}

pub fn stream(name: &str) -> StreamName {
    StreamName::from(name)
}
