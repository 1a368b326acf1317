//! Rows of any table in either dialect: the tables and columns a store has, a page of rows read
//! as storage-class [`Value`]s, multi-row INSERTs, and the one-transaction wrapper every write
//! of the copy runs in.

use eventlog::StorageError;
use eventlog::sql::{Db, Dialect, Value};

/// Most parameters in one INSERT (SQLite allows 32,766, PostgreSQL 65,535).
const MAX_PARAMETERS: usize = 9_000;

/// The store's tables, by name.
pub fn tables(db: &Db<'_>) -> Result<Vec<String>, StorageError> {
    let sql = db.dialect().pick(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    Ok(db.prepare(sql)?.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?)
}

/// A table's stored columns (generated ones left out), by name.
pub fn columns(db: &Db<'_>, table: &str) -> Result<Vec<String>, StorageError> {
    let sql = db.dialect().pick(
        "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
        "SELECT column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ?1 AND is_generated = 'NEVER'
         ORDER BY ordinal_position",
    );
    Ok(db.prepare(sql)?.query_map([table], |row| row.get(0))?.collect::<Result<_, _>>()?)
}

/// The rows of a query, each as `width` values.
pub fn read(db: &Db<'_>, sql: &str, params: &[Value], width: usize) -> Result<Vec<Vec<Value>>, StorageError> {
    let mut statement = db.prepare_cached(sql)?;
    let mut rows = statement.query(params)?;
    let mut read = Vec::new();
    while let Some(row) = rows.next()? {
        read.push((0..width).map(|i| row.get::<Value>(i)).collect::<Result<Vec<_>, _>>()?);
    }
    Ok(read)
}

/// Inserts `rows` (values in `columns` order) with as few statements as the parameter limit
/// allows.
pub fn insert(db: &Db<'_>, table: &str, columns: &[String], rows: &[Vec<Value>]) -> Result<(), StorageError> {
    let per_statement = (MAX_PARAMETERS / columns.len().max(1)).max(1);
    for group in rows.chunks(per_statement) {
        let sql = insert_sql(table, columns, group.len());
        let values: Vec<&Value> = group.iter().flatten().collect();
        db.prepare_cached(&sql)?.execute(values)?;
    }
    Ok(())
}

/// `INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4)` for `rows` rows.
fn insert_sql(table: &str, columns: &[String], rows: usize) -> String {
    let width = columns.len();
    let tuples: Vec<String> = (0..rows)
        .map(|row| {
            let markers: Vec<String> = (1..=width).map(|column| format!("?{}", row * width + column)).collect();
            format!("({})", markers.join(", "))
        })
        .collect();
    format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), tuples.join(", "))
}

/// Runs `work` in one transaction: all of it is committed, or none of it.
pub fn in_transaction<T>(
    db: &Db<'_>,
    work: impl FnOnce(&Db<'_>) -> Result<T, StorageError>,
) -> Result<T, StorageError> {
    // Immediate on SQLite: the write lock is taken before anything is read.
    db.control(db.dialect().pick("BEGIN IMMEDIATE", "BEGIN"))?;
    match work(db) {
        Ok(value) => {
            db.control("COMMIT")?;
            Ok(value)
        }
        Err(error) => {
            let _ = db.execute_batch("ROLLBACK");
            Err(error)
        }
    }
}

/// Whether the handle speaks PostgreSQL.
pub fn is_postgres(db: &Db<'_>) -> bool {
    db.dialect() == Dialect::Postgres
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_two_rows_of_two_columns_when_written_then_markers_number_on() {
        let sql = insert_sql("t", &["a".into(), "b".into()], 2);

        assert_eq!(sql, "INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4)");
    }

    #[test]
    fn given_more_rows_than_one_statement_takes_when_inserted_then_every_row_is_stored() {
        let db = Db::sqlite_memory().unwrap();
        db.execute_batch("CREATE TABLE t (a INTEGER, b TEXT)").unwrap();
        let rows: Vec<Vec<Value>> = (0..10_000).map(|i| vec![Value::Integer(i), Value::Text(i.to_string())]).collect();

        in_transaction(&db, |db| insert(db, "t", &["a".into(), "b".into()], &rows)).unwrap();

        let stored = read(&db, "SELECT a, b FROM t ORDER BY a", &[], 2).unwrap();
        assert_eq!(stored, rows);
    }

    #[test]
    fn given_a_failing_write_when_in_a_transaction_then_nothing_is_kept() {
        let db = Db::sqlite_memory().unwrap();
        db.execute_batch("CREATE TABLE t (a INTEGER PRIMARY KEY)").unwrap();

        let failed = in_transaction(&db, |db| {
            insert(db, "t", &["a".into()], &[vec![Value::Integer(1)]])?;
            insert(db, "t", &["a".into()], &[vec![Value::Integer(1)]])
        });

        assert!(failed.is_err());
        assert!(read(&db, "SELECT a FROM t", &[], 1).unwrap().is_empty());
    }
}
