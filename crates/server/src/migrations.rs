//! Every migration this build knows, from every crate that owns tables.

use eventlog::Migration;

/// All migrations, in version order.
pub fn all() -> Vec<Migration> {
    let mut all: Vec<Migration> = [
        eventlog::migrations::MIGRATIONS,
        crate::auth::MIGRATIONS,
        ingest::MIGRATIONS,
        projection::MIGRATIONS,
        dispatcher::MIGRATIONS,
    ]
    .concat();
    all.sort_by_key(|m| m.version);
    all
}
