//! What every operation shares (SPEC §8, §9): the security schemes, the credentials each route
//! takes, and the error answers in the one error body. Applied to the whole document so no
//! operation can forget them.

use std::collections::btree_map::Entry;

use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::OneOfBuilder;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required};

/// Inbound signature schemes: (scheme name, where the credential is, its name).
const SIGNATURES: &[(&str, &str, &str)] = &[
    ("dealflow", "header", "X-DealFlow-Signature"),
    ("typeform", "header", "Typeform-Signature"),
    ("github", "header", "X-Hub-Signature-256"),
    ("shopify", "header", "X-Shopify-Hmac-Sha256"),
    ("stripe", "header", "Stripe-Signature"),
    ("calendly", "header", "Calendly-Webhook-Signature"),
    ("mautic", "header", "Webhook-Signature"),
    ("standard", "header", "webhook-signature"),
    ("url_token", "query", "access_key"),
];

/// Adds the security schemes, `/api` credentials and error answers.
pub fn apply(doc: &mut OpenApi) {
    add_schemes(doc);
    for (path, item) in doc.paths.paths.iter_mut() {
        let api = path.starts_with("/api/") && path != "/api/openapi.json";
        let inbound = path.starts_with("/deal-flow/");
        for (method, operation) in operations(item) {
            if api {
                operation.security = Some(vec![
                    SecurityRequirement::new("basic", Vec::<String>::new()),
                    SecurityRequirement::new("bearer", Vec::<String>::new()),
                ]);
            }
            // Every route that takes a body refuses to go without one.
            if let Some(body) = operation.request_body.as_mut() {
                body.required = Some(Required::True);
            }
            for status in error_statuses(method, api, inbound) {
                add_error(operation, status);
            }
        }
    }
}

/// The error statuses an operation can answer with: pure, so it is tested.
pub fn error_statuses(method: HttpMethod, api: bool, inbound: bool) -> Vec<u16> {
    let writes = !matches!(method, HttpMethod::Get | HttpMethod::Head | HttpMethod::Options);
    let mut statuses = Vec::new();
    if api {
        statuses.extend([400, 401, 403, 404]);
        if writes {
            statuses.extend([409, 413, 415, 422]);
        }
        statuses.push(500);
    } else if inbound {
        statuses.extend([400, 403, 404, 405, 409, 413, 415, 422, 500]);
    }
    statuses
}

fn operations(item: &mut utoipa::openapi::PathItem) -> Vec<(HttpMethod, &mut Operation)> {
    [
        (HttpMethod::Get, item.get.as_mut()),
        (HttpMethod::Post, item.post.as_mut()),
        (HttpMethod::Put, item.put.as_mut()),
        (HttpMethod::Patch, item.patch.as_mut()),
        (HttpMethod::Delete, item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|operation| (method, operation)))
    .collect()
}

fn add_error(operation: &mut Operation, status: u16) {
    let description = match status {
        400 => "The request is not understandable: bad JSON, form or query parameter",
        401 => "No or wrong credentials (with `WWW-Authenticate`)",
        403 => "The role may not do this, or the signature is missing or wrong",
        404 => "No such entity",
        405 => "GET to a source whose scheme signs a body",
        409 => "`If-Match` is stale, or the idempotency key is in use",
        413 => "The body is over the limit",
        415 => "The body's content type or coding is not supported",
        422 => "The input is invalid: every problem, by field, in `details`",
        _ => "An internal error; the server log has the details",
    };
    let response = ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(error_body())).build())
        .build();
    match operation.responses.responses.entry(status.to_string()) {
        Entry::Vacant(entry) => {
            entry.insert(response.into());
        }
        // A status some routes answer with their own body too (a batch where every item
        // failed): either body.
        Entry::Occupied(mut entry) => {
            let RefOr::T(own) = entry.get_mut() else { return };
            let Some(content) = own.content.get_mut("application/json") else { return };
            if let Some(schema) = content.schema.take() {
                content.schema = Some(OneOfBuilder::new().item(schema).item(error_body()).into());
            }
        }
    }
}

fn error_body() -> Ref {
    Ref::from_schema_name("ErrorBody")
}

fn add_schemes(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    let basic = HttpBuilder::new().scheme(HttpAuthScheme::Basic).description(Some("A user's name and password"));
    components.add_security_scheme("basic", SecurityScheme::Http(basic.build()));
    let bearer = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("`dealflow users token NAME`"));
    components.add_security_scheme("bearer", SecurityScheme::Http(bearer.build()));
    for (name, place, key) in SIGNATURES {
        let description = format!("Inbound source signature scheme `{name}`");
        let value = ApiKeyValue::with_description(key.to_string(), description);
        let key = if *place == "query" { ApiKey::Query(value) } else { ApiKey::Header(value) };
        components.add_security_scheme(*name, SecurityScheme::ApiKey(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_read_answers_the_errors_of_a_read_and_a_write_those_of_a_body_too() {
        assert_eq!(error_statuses(HttpMethod::Get, true, false), [400, 401, 403, 404, 500]);
        assert_eq!(error_statuses(HttpMethod::Post, true, false), [400, 401, 403, 404, 409, 413, 415, 422, 500]);
    }

    #[test]
    fn public_operations_answer_no_error_but_the_inbound_ones() {
        assert!(error_statuses(HttpMethod::Get, false, false).is_empty());
        assert!(error_statuses(HttpMethod::Post, false, true).contains(&403));
    }
}
