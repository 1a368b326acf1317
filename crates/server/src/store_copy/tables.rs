//! Copies the tables the [`plan`](super::plan) copies whole, in one target transaction: every
//! copied table's target rows are deleted (children first) and the source's inserted (parents
//! first), so a rerun replaces what an earlier run left and never leaves half a table. The
//! source is read in pages by primary key, within one read transaction (a consistent snapshot).

use eventlog::StorageError;
use eventlog::sql::{Db, Value};

use super::plan::{self, TablePlan};
use super::rows;

/// Rows read from the source per query.
const PAGE: usize = 5_000;

/// How many rows of a table were copied.
#[derive(Clone, Copy, Debug)]
pub struct Copied {
    pub table: &'static str,
    pub rows: u64,
}

/// Copies every table the plan copies; answers the row counts, in plan order.
pub fn copy_all(source: &Db<'_>, target: &Db<'_>) -> anyhow::Result<Vec<Copied>> {
    let mut columns = Vec::new();
    for table in plan::copied() {
        columns.push(shared_columns(source, target, table.table)?);
    }
    source.control(source.dialect().pick("BEGIN", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))?;
    let copied = rows::in_transaction(target, |target| {
        for table in plan::copied().rev() {
            delete_rows(target, table)?;
        }
        let copied = plan::copied()
            .zip(&columns)
            .map(|(table, columns)| copy_table(source, target, table, columns))
            .collect::<Result<Vec<_>, _>>()?;
        if rows::is_postgres(target) {
            plan::copied().try_for_each(|table| restart_identity(target, table.table))?;
        }
        Ok(copied)
    });
    let _ = source.execute_batch("COMMIT");
    Ok(copied?)
}

/// The table's columns, which both sides must have alike (both are at this build's schema).
fn shared_columns(source: &Db<'_>, target: &Db<'_>, table: &str) -> anyhow::Result<Vec<String>> {
    let mut on_source = rows::columns(source, table)?;
    let mut on_target = rows::columns(target, table)?;
    let columns = on_source.clone();
    on_source.sort();
    on_target.sort();
    anyhow::ensure!(
        on_source == on_target,
        "the table {table} has columns {on_source:?} on the source and {on_target:?} on the target"
    );
    Ok(columns)
}

fn delete_rows(target: &Db<'_>, table: &TablePlan) -> Result<(), StorageError> {
    match table.except {
        Some((column, value)) => {
            target.execute(&format!("DELETE FROM {} WHERE {column} <> ?1", table.table), [value])?
        }
        None => target.execute(&format!("DELETE FROM {}", table.table), [])?,
    };
    Ok(())
}

fn copy_table(source: &Db<'_>, target: &Db<'_>, table: &TablePlan, columns: &[String]) -> Result<Copied, StorageError> {
    let key: Vec<usize> = table.key.iter().filter_map(|k| columns.iter().position(|c| c == k)).collect();
    let cleared: Vec<usize> = table.cleared.iter().filter_map(|k| columns.iter().position(|c| c == k)).collect();
    let (mut after, mut copied) = (None::<Vec<Value>>, 0);
    loop {
        let (sql, params) = page_query(table, columns, after.as_deref());
        let mut page = rows::read(source, &sql, &params, columns.len())?;
        let Some(last) = page.last() else { break };
        after = Some(key.iter().map(|&i| last[i].clone()).collect());
        for row in &mut page {
            cleared.iter().for_each(|&i| row[i] = Value::Null);
        }
        rows::insert(target, table.table, columns, &page)?;
        copied += page.len() as u64;
    }
    Ok(Copied { table: table.table, rows: copied })
}

/// The next page's query: rows after the last key read, in key order.
fn page_query(table: &TablePlan, columns: &[String], after: Option<&[Value]>) -> (String, Vec<Value>) {
    let key = table.key.join(", ");
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    if let Some(after) = after {
        let markers: Vec<String> = (1..=after.len()).map(|i| format!("?{i}")).collect();
        conditions.push(format!("({key}) > ({})", markers.join(", ")));
        params.extend_from_slice(after);
    }
    if let Some((column, value)) = table.except {
        params.push(Value::Text(value.to_owned()));
        conditions.push(format!("{column} <> ?{}", params.len()));
    }
    let filter = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
    let sql = format!("SELECT {} FROM {}{filter} ORDER BY {key} LIMIT {PAGE}", columns.join(", "), table.table);
    (sql, params)
}

/// PostgreSQL's identity columns hand out ids after the copied ones (a table without one
/// answers NULL and is left alone).
fn restart_identity(target: &Db<'_>, table: &str) -> Result<(), StorageError> {
    if !rows::columns(target, table)?.iter().any(|c| c == "id") {
        return Ok(());
    }
    let sql = format!(
        "SELECT setval(pg_get_serial_sequence(?1, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
    );
    target.query_row(&sql, [table], |row| row.get::<Option<i64>>(0))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(table: &str) -> &'static TablePlan {
        plan::PLAN.iter().find(|p| p.table == table).unwrap()
    }

    #[test]
    fn given_a_composite_key_when_paging_then_rows_after_the_last_key_are_asked_for() {
        let columns: Vec<String> = ["source_id", "key", "status"].map(String::from).to_vec();
        let after = [Value::Integer(3), Value::Text("k".into())];

        let (sql, params) = page_query(plan_of("idempotency_keys"), &columns, Some(&after));

        assert!(sql.contains("WHERE (source_id, key) > (?1, ?2) ORDER BY source_id, key"), "{sql}");
        assert_eq!(params, after.to_vec());
    }

    #[test]
    fn given_the_checkpoints_when_paging_then_the_projectors_row_is_left_out() {
        let columns: Vec<String> = ["name", "position", "updated_at"].map(String::from).to_vec();

        let (sql, params) = page_query(plan_of("checkpoints"), &columns, None);

        assert!(sql.contains("WHERE name <> ?1"), "{sql}");
        assert_eq!(params, vec![Value::Text(projection::CONSUMER.into())]);
    }

    #[test]
    fn given_two_migrated_stores_when_copied_then_rows_move_and_leases_are_cleared() {
        let (source, target) = (migrated(), migrated());
        source.execute("INSERT INTO hook_delivery_state (hook_id, attempt, lease_owner, lease_until) VALUES (7, 2, 'node-a', 99)", []).unwrap();
        source.execute("INSERT INTO checkpoints VALUES ('dispatcher', 5, 0), ('projection', 5, 0)", []).unwrap();
        target.execute("INSERT INTO checkpoints VALUES ('dispatcher', 1, 0), ('projection', 1, 0)", []).unwrap();

        copy_all(&source, &target).unwrap();

        let state =
            rows::read(&target, "SELECT hook_id, attempt, lease_owner, lease_until FROM hook_delivery_state", &[], 4)
                .unwrap();
        assert_eq!(state, vec![vec![Value::Integer(7), Value::Integer(2), Value::Null, Value::Null]]);
        let checkpoints = rows::read(&target, "SELECT name, position FROM checkpoints ORDER BY name", &[], 2).unwrap();
        assert_eq!(checkpoints[0], vec![Value::Text("dispatcher".into()), Value::Integer(5)]);
        assert_eq!(checkpoints[1], vec![Value::Text("projection".into()), Value::Integer(1)]);
    }

    fn migrated() -> Db<'static> {
        let db = Db::sqlite_memory().unwrap();
        eventlog::migrations::apply(&db, &crate::migrations::all()).unwrap();
        db
    }
}
