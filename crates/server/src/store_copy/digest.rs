//! A log's fingerprint for the final check: its event count and a SHA-256 over every event's
//! fields (position, event id, stream, version, type, schema, data, metadata, recorded_at) in
//! position order. Each field goes in with its length, so no two logs share a byte stream.

use eventlog::StorageError;
use eventlog::sql::{Db, Value};
use sha2::{Digest, Sha256};

use super::rows;

/// Events read per query.
const PAGE: i64 = 10_000;

/// A log's count and hash, up to a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogDigest {
    pub events: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// The digest of the events at positions up to `head`.
pub fn of_log(db: &Db<'_>, head: u64) -> Result<LogDigest, StorageError> {
    let sql = "SELECT position, event_id, stream, version, type, schema, data, metadata, recorded_at FROM events
               WHERE position > ?1 AND position <= ?2 ORDER BY position LIMIT ?3";
    let head = i64::try_from(head).unwrap_or(i64::MAX);
    let (mut hasher, mut events, mut after) = (Sha256::new(), 0, 0);
    loop {
        let page = rows::read(db, sql, &[Value::Integer(after), Value::Integer(head), Value::Integer(PAGE)], 9)?;
        let Some(Value::Integer(last)) = page.last().map(|row| row[0].clone()) else { break };
        page.iter().for_each(|row| add_event(&mut hasher, row));
        events += page.len() as u64;
        after = last;
    }
    Ok(LogDigest { events, sha256: hex(&hasher.finalize()) })
}

/// Feeds one event's fields, each tagged with its class and length.
fn add_event(hasher: &mut Sha256, fields: &[Value]) {
    for field in fields {
        match field {
            Value::Null => hasher.update([0]),
            Value::Integer(i) => {
                hasher.update([1]);
                hasher.update(i.to_be_bytes());
            }
            Value::Real(r) => {
                hasher.update([2]);
                hasher.update(r.to_be_bytes());
            }
            Value::Text(t) => tagged(hasher, 3, t.as_bytes()),
            Value::Blob(b) => tagged(hasher, 4, b),
        }
    }
}

fn tagged(hasher: &mut Sha256, tag: u8, bytes: &[u8]) {
    hasher.update([tag]);
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(bytes);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(fields: &[Value]) -> String {
        let mut hasher = Sha256::new();
        add_event(&mut hasher, fields);
        hex(&hasher.finalize())
    }

    #[test]
    fn given_text_moved_between_fields_when_hashed_then_the_hashes_differ() {
        let one = hash(&[Value::Text("ab".into()), Value::Text("c".into())]);
        let other = hash(&[Value::Text("a".into()), Value::Text("bc".into())]);

        assert_ne!(one, other);
    }

    #[test]
    fn given_an_empty_log_when_digested_then_it_counts_nothing() {
        let db = Db::sqlite_memory().unwrap();
        eventlog::migrations::apply(&db, eventlog::migrations::MIGRATIONS).unwrap();

        let digest = of_log(&db, 0).unwrap();

        assert_eq!(digest.events, 0);
        assert_eq!(digest.sha256, hex(&Sha256::new().finalize()));
    }
}
