//! What `store copy` does with each table: the log is copied row for row, the command side and
//! the delivery queue are copied, the read models are rebuilt on the target, and what belongs to
//! one installation's running processes is skipped. A table missing from [`PLAN`] stops the copy
//! (see [`unplanned`]), so a new migration cannot be left out silently.

/// What happens to one table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The event log: copied in position order, in chunks, resumably.
    Log,
    /// Copied whole: the target's rows are deleted and the source's inserted.
    Copy,
    /// A read model: emptied and rebuilt on the target by replaying the log.
    Rebuild,
    /// Left as the target has it.
    Skip,
}

/// One table's treatment.
#[derive(Clone, Copy, Debug)]
pub struct TablePlan {
    pub table: &'static str,
    pub action: Action,
    /// Columns of the primary key: the order rows are read in, in pages.
    pub key: &'static [&'static str],
    /// Columns copied as NULL (a live dispatcher's lease must not follow the rows).
    pub cleared: &'static [&'static str],
    /// A row left out (and left alone on the target): (column, value).
    pub except: Option<(&'static str, &'static str)>,
}

const fn copy(table: &'static str, key: &'static [&'static str]) -> TablePlan {
    TablePlan { table, action: Action::Copy, key, cleared: &[], except: None }
}

const fn other(table: &'static str, action: Action) -> TablePlan {
    TablePlan { table, action, key: &[], cleared: &[], except: None }
}

/// Every table of every migration, copied tables in an order that inserts parents before
/// children (their target rows are deleted in the reverse order).
pub const PLAN: &[TablePlan] = &[
    other("events", Action::Log),
    // PostgreSQL's append point, moved with each chunk of events.
    other("log_head", Action::Log),
    copy("sequences", &["name"]),
    // The dispatcher's position comes along, so that nothing is fanned out twice; the
    // projector's is the rebuild's.
    TablePlan { except: Some(("name", projection::CONSUMER)), ..copy("checkpoints", &["name"]) },
    copy("users", &["id"]),
    copy("api_tokens", &["id"]),
    copy("sources", &["id"]),
    copy("contact_emails", &["email_key"]),
    copy("deal_external_ids", &["source_id", "external_id"]),
    copy("idempotency_keys", &["source_id", "key"]),
    copy("categories", &["id"]),
    copy("hooks", &["id"]),
    copy("webhook_settings", &["id"]),
    copy("delivery_items", &["id"]),
    copy("delivery_failed", &["id"]),
    // Retry state, without the lease of a dispatcher of the source.
    TablePlan { cleared: &["lease_owner", "lease_until"], ..copy("hook_delivery_state", &["hook_id"]) },
    copy("delivery_log", &["id"]),
    copy("inbound_requests", &["id"]),
    copy("master_key_check", &["id"]),
    other("rm_pipelines", Action::Rebuild),
    other("rm_stages", Action::Rebuild),
    other("rm_contacts", Action::Rebuild),
    other("rm_deals", Action::Rebuild),
    other("rm_deal_contacts", Action::Rebuild),
    other("rm_deal_notes", Action::Rebuild),
    other("rm_deal_tasks", Action::Rebuild),
    other("rm_board", Action::Rebuild),
    other("rm_board_currencies", Action::Rebuild),
    // The target's own migrations; and leases held by the source's running processes.
    other("schema_migrations", Action::Skip),
    other("leases", Action::Skip),
];

/// The tables copied whole, parents first.
pub fn copied() -> impl DoubleEndedIterator<Item = &'static TablePlan> {
    PLAN.iter().filter(|plan| plan.action == Action::Copy)
}

/// The tables of a store that the plan does not name: each one stops the copy.
pub fn unplanned(tables: &[String]) -> Vec<String> {
    tables.iter().filter(|table| !PLAN.iter().any(|plan| plan.table == table.as_str())).cloned().collect()
}

#[cfg(test)]
mod tests {
    use eventlog::sql::Db;

    use super::*;

    fn tables_of_a_migrated_store() -> Vec<String> {
        let db = Db::sqlite_memory().unwrap();
        eventlog::migrations::apply(&db, &crate::migrations::all()).unwrap();
        super::super::rows::tables(&db).unwrap()
    }

    #[test]
    fn given_every_migration_when_planned_then_every_table_has_an_action() {
        let tables = tables_of_a_migrated_store();

        assert_eq!(unplanned(&tables), Vec::<String>::new());
    }

    #[test]
    fn given_the_plan_when_read_then_it_names_only_tables_that_exist() {
        let tables = tables_of_a_migrated_store();

        let missing: Vec<_> =
            PLAN.iter().filter(|p| p.table != "log_head" && !tables.contains(&p.table.to_owned())).collect();

        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn given_a_table_the_plan_lacks_when_checked_then_it_is_named() {
        let tables = vec!["events".to_owned(), "rm_new_view".to_owned()];

        assert_eq!(unplanned(&tables), vec!["rm_new_view".to_owned()]);
    }

    #[test]
    fn given_the_plan_then_read_models_are_rebuilt_and_leases_are_not_copied() {
        let action = |name: &str| PLAN.iter().find(|p| p.table == name).map(|p| p.action);

        assert_eq!(action("rm_deals"), Some(Action::Rebuild));
        assert_eq!(action("leases"), Some(Action::Skip));
        assert!(copied().all(|plan| !plan.key.is_empty()));
        assert!(copied().all(|plan| !plan.table.starts_with("rm_")));
    }
}
