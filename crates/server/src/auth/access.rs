//! Who may call which `/api` route: ONE table of (method, route pattern) → the role needed, read
//! by the authentication middleware and walked route by route by the end-to-end tests. Analysts
//! read everything (every `GET`, as `docs/api.md` promises); every write needs an admin. A
//! (method, route) the table does not list needs an admin.

use actix_web::http::Method;
use api::Role;

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub method: &'static str,
    /// The route pattern as registered, under `/api`.
    pub pattern: &'static str,
    pub role: Role,
}

const fn read(pattern: &'static str) -> Rule {
    Rule { method: "GET", pattern, role: Role::Analyst }
}

const fn write(method: &'static str, pattern: &'static str) -> Rule {
    Rule { method, pattern, role: Role::Admin }
}

/// Every `/api` route.
pub const RULES: &[Rule] = &[
    read("/api/users/self"),
    // Users and their API tokens (names, roles and token labels; never a hash or a secret).
    read("/api/users"),
    read("/api/users/{id}"),
    read("/api/users/{id}/tokens"),
    write("POST", "/api/users/new"),
    write("PATCH", "/api/users/{id}/edit"),
    write("POST", "/api/users/{id}/password/reset"),
    write("DELETE", "/api/users/{id}/delete"),
    write("POST", "/api/users/{id}/tokens/new"),
    write("DELETE", "/api/users/{id}/tokens/{token_id}/delete"),
    // Deals, pipelines, contacts and history.
    read("/api/deals"),
    read("/api/deals/{id}"),
    read("/api/deals/{id}/history"),
    write("POST", "/api/deals/new"),
    write("PATCH", "/api/deals/{id}/edit"),
    write("PUT", "/api/deals/{id}/edit"),
    write("POST", "/api/deals/{id}/stage"),
    write("POST", "/api/deals/{id}/contacts/add"),
    write("POST", "/api/deals/{id}/notes/new"),
    write("POST", "/api/deals/{id}/tasks/new"),
    write("POST", "/api/deals/{id}/tasks/{task_id}/complete"),
    read("/api/pipelines"),
    read("/api/pipelines/{id}"),
    read("/api/pipelines/{id}/board"),
    write("POST", "/api/pipelines/new"),
    write("PATCH", "/api/pipelines/{id}/edit"),
    write("PUT", "/api/pipelines/{id}/edit"),
    write("DELETE", "/api/pipelines/{id}/delete"),
    read("/api/contacts"),
    read("/api/contacts/{id}"),
    write("POST", "/api/contacts/new"),
    write("PATCH", "/api/contacts/{id}/edit"),
    write("PUT", "/api/contacts/{id}/edit"),
    read("/api/events"),
    read("/api/events/export"),
    // Inbound sources.
    read("/api/sources"),
    read("/api/sources/presets"),
    read("/api/sources/{id}"),
    read("/api/sources/{id}/requests"),
    // A dry run: it writes nothing, but it runs the write path, so it is for admins.
    write("POST", "/api/sources/{id}/mapping/test"),
    write("POST", "/api/sources/new"),
    write("PATCH", "/api/sources/{id}/edit"),
    write("PUT", "/api/sources/{id}/edit"),
    write("DELETE", "/api/sources/{id}/delete"),
    write("POST", "/api/sources/{id}/secret/rotate"),
    // Hooks, categories and delivery.
    read("/api/hooks"),
    read("/api/hooks/triggers"),
    read("/api/hooks/{id}"),
    read("/api/hooks/{id}/logs"),
    write("POST", "/api/hooks/new"),
    write("PUT", "/api/hooks/{id}/edit"),
    write("PATCH", "/api/hooks/{id}/edit"),
    write("DELETE", "/api/hooks/{id}/delete"),
    write("POST", "/api/hooks/batch/new"),
    write("PUT", "/api/hooks/batch/edit"),
    write("PATCH", "/api/hooks/batch/edit"),
    write("DELETE", "/api/hooks/batch/delete"),
    write("POST", "/api/hooks/{id}/test"),
    write("POST", "/api/hooks/{id}/replay"),
    read("/api/categories"),
    read("/api/categories/{id}"),
    write("POST", "/api/categories/new"),
    read("/api/settings/webhooks"),
    write("PATCH", "/api/settings/webhooks"),
];

/// The role a request needs. `HEAD` is a `GET`; a route no rule lists needs an admin, except
/// reads of unknown paths, which answer 404 to anyone.
pub fn required_role(method: &Method, pattern: Option<&str>) -> Role {
    let method = if method == Method::HEAD { "GET" } else { method.as_str() };
    let Some(pattern) = pattern.filter(|p| RULES.iter().any(|rule| rule.pattern == *p)) else {
        return if method == "GET" { Role::Analyst } else { Role::Admin };
    };
    RULES.iter().find(|rule| rule.method == method && rule.pattern == pattern).map_or(Role::Admin, |rule| rule.role)
}

/// Whether `role` may do what `needed` may.
pub fn permits(role: Role, needed: Role) -> bool {
    role == Role::Admin || needed == Role::Analyst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysts_read_and_admins_write() {
        assert_eq!(required_role(&Method::GET, Some("/api/hooks/{id}/logs")), Role::Analyst);
        assert_eq!(required_role(&Method::HEAD, Some("/api/categories")), Role::Analyst);
        assert_eq!(required_role(&Method::POST, Some("/api/hooks/new")), Role::Admin);
        assert!(permits(Role::Admin, Role::Admin) && permits(Role::Analyst, Role::Analyst));
        assert!(!permits(Role::Analyst, Role::Admin));
    }

    #[test]
    fn a_route_or_method_the_table_does_not_list_needs_an_admin() {
        assert_eq!(required_role(&Method::DELETE, Some("/api/deals/{id}")), Role::Admin);
        assert_eq!(required_role(&Method::POST, None), Role::Admin);
        assert_eq!(required_role(&Method::GET, None), Role::Analyst);
    }

    #[test]
    fn every_write_needs_an_admin_and_every_get_is_open_to_analysts() {
        for rule in RULES {
            assert_eq!(rule.role == Role::Analyst, rule.method == "GET", "{rule:?}");
        }
    }
}
