//! The source must be at exactly this build's schema: the copy moves rows column for column
//! into a target this build migrates, so a source behind or ahead of it is refused.

use eventlog::StorageError;
use eventlog::sql::Db;

/// How the source's migrations differ from this build's.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SchemaMismatch {
    #[error("it is not a dealflow database (it has no schema_migrations table)")]
    NotDealflow,
    #[error(
        "it lacks migrations {0:?} of this build; bring it up to date first (`dealflow migrate` with \
         DEALFLOW_DATABASE set to it), then copy"
    )]
    Behind(Vec<u32>),
    #[error("a newer dealflow migrated it (migrations {0:?}); copy with that build")]
    Ahead(Vec<u32>),
}

/// Compares the versions a store has applied with the versions this build knows.
pub fn compare(applied: &[u32], known: &[u32]) -> Result<(), SchemaMismatch> {
    let ahead: Vec<u32> = applied.iter().copied().filter(|v| !known.contains(v)).collect();
    if !ahead.is_empty() {
        return Err(SchemaMismatch::Ahead(ahead));
    }
    let behind: Vec<u32> = known.iter().copied().filter(|v| !applied.contains(v)).collect();
    if !behind.is_empty() {
        return Err(SchemaMismatch::Behind(behind));
    }
    Ok(())
}

/// The migrations a store has applied; `None` when it has no bookkeeping table.
pub fn applied(db: &Db<'_>, tables: &[String]) -> Result<Option<Vec<u32>>, StorageError> {
    if !tables.iter().any(|t| t == "schema_migrations") {
        return Ok(None);
    }
    Ok(Some(eventlog::migrations::applied_versions(db)?))
}

/// Checks a store's migrations against this build's.
pub fn check(db: &Db<'_>, tables: &[String]) -> anyhow::Result<()> {
    let known: Vec<u32> = crate::migrations::all().iter().map(|m| m.version).collect();
    let applied = applied(db, tables)?.ok_or(SchemaMismatch::NotDealflow)?;
    Ok(compare(&applied, &known)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_the_same_migrations_when_compared_then_they_match() {
        assert_eq!(compare(&[1, 2, 3], &[1, 2, 3]), Ok(()));
    }

    #[test]
    fn given_a_source_behind_when_compared_then_its_missing_migrations_are_named() {
        assert_eq!(compare(&[1, 2], &[1, 2, 3]), Err(SchemaMismatch::Behind(vec![3])));
    }

    #[test]
    fn given_a_source_ahead_when_compared_then_the_unknown_migrations_are_named() {
        assert_eq!(compare(&[1, 2, 3, 4], &[1, 2, 3]), Err(SchemaMismatch::Ahead(vec![4])));
    }
}
