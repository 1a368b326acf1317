//! Column names as clients send them: Mautic documents snake_case (`date_added`), its clients
//! also send the entity's camelCase property names (`dateAdded`).

use heck::ToSnakeCase;

/// `dateAdded`, `date_added`, `eventsOrderbyDir` → `date_added`, `date_added`,
/// `events_orderby_dir`.
pub fn snake_case(name: &str) -> String {
    name.to_snake_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_camel_or_snake_names_when_converted_then_snake_case() {
        for (name, expected) in [
            ("dateAdded", "date_added"),
            ("date_added", "date_added"),
            ("eventsOrderbyDir", "events_orderby_dir"),
            ("isPublished", "is_published"),
            ("id", "id"),
            ("webhookUrl", "webhook_url"),
            ("categoryId", "category_id"),
        ] {
            assert_eq!(snake_case(name), expected, "{name}");
        }
    }
}
