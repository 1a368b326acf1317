//! The hook columns a client may order by (`orderBy`) or filter on (`where[i][col]`), by the
//! names Mautic documents (snake_case) or its entity's camelCase property names.

/// `orderBy` names and their columns.
pub const ORDER_COLUMNS: &[(&str, &str)] = &[
    ("id", "h.id"),
    ("name", "h.name"),
    ("description", "h.description"),
    ("webhook_url", "h.webhook_url"),
    ("is_published", "h.is_published"),
    ("events_orderby_dir", "h.events_orderby_dir"),
    ("date_added", "h.date_added"),
    ("date_modified", "h.date_modified"),
    ("created_by", "h.created_by"),
    ("created_by_user", "h.created_by_user"),
    ("modified_by", "h.modified_by"),
    ("modified_by_user", "h.modified_by_user"),
    ("category", "h.category_id"),
    ("publish_up", "h.publish_up"),
    ("publish_down", "h.publish_down"),
    ("payload_format", "h.payload_format"),
    ("signature_format", "h.signature_format"),
];

/// How a `where` column's values are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Flag,
    /// RFC 3339 or `YYYY-MM-DD HH:MM:SS` (UTC), stored as microseconds.
    Time,
}

/// A column as a client names it (`dateAdded`, `h.date_added`, `e.dateAdded`) in snake_case,
/// without Mautic's table alias.
pub fn column_name(name: &str) -> String {
    listquery::snake_case(name.trim_start_matches("h.").trim_start_matches("e."))
}

/// A `where` column (SQL) and how its values read; `None` for a column no one may filter on.
pub fn where_column(name: &str) -> Option<(&'static str, Kind)> {
    let snake = column_name(name.trim());
    let kind = match snake.as_str() {
        "id" | "created_by" | "modified_by" | "category" | "category_id" => Kind::Integer,
        "is_published" => Kind::Flag,
        "date_added" | "date_modified" | "publish_up" | "publish_down" => Kind::Time,
        "name" | "description" | "webhook_url" | "events_orderby_dir" | "created_by_user" | "modified_by_user"
        | "payload_format" | "signature_format" => Kind::Text,
        _ => return None,
    };
    let column = ORDER_COLUMNS.iter().find(|(n, _)| *n == snake || (*n == "category" && snake == "category_id"))?.1;
    Some((column, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_client_spellings_when_looked_up_then_the_column_and_its_kind() {
        assert_eq!(where_column("dateAdded"), Some(("h.date_added", Kind::Time)));
        assert_eq!(where_column(" h.date_added "), Some(("h.date_added", Kind::Time)));
        assert_eq!(where_column("e.isPublished"), Some(("h.is_published", Kind::Flag)));
        assert_eq!(where_column("categoryId"), Some(("h.category_id", Kind::Integer)));
        assert_eq!(where_column("eventsOrderbyDir"), Some(("h.events_orderby_dir", Kind::Text)));
        assert_eq!(where_column("secret"), None);
    }
}
