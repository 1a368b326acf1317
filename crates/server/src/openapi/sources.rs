//! Operations of inbound sources and the public receive endpoint (SPEC §5, §5a). Handlers live
//! in `ingest::sources::routes`, `ingest::inbound` and `ingest::request_log`.

#![allow(dead_code)]

use super::answers::*;
use super::bodies::*;
use super::params::Paging;

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_sources,
    new_source,
    presets,
    get_source,
    edit_source,
    replace_source,
    delete_source,
    rotate_secret,
    test_mapping,
    list_requests,
    receive,
    receive_query
))]
pub struct Doc;

/// List inbound sources.
#[utoipa::path(get, path = "/api/sources", tag = "sources",
    responses((status = 200, description = "Every source (never a secret)", body = SourceList)))]
fn list_sources() {}

/// Create an inbound source.
#[utoipa::path(post, path = "/api/sources/new", tag = "sources", request_body = SourceInput,
    responses((status = 201, description = "The new source and its secret, shown this once", body = SourceWithSecret)))]
fn new_source() {}

/// List source presets.
#[utoipa::path(get, path = "/api/sources/presets", tag = "sources",
    responses((status = 200, description = "Known senders: scheme and mapping filled in", body = PresetList)))]
fn presets() {}

/// Get a source.
#[utoipa::path(get, path = "/api/sources/{id}", tag = "sources", params(("id" = u64, Path)),
    responses((status = 200, description = "The source", body = SourceAnswer)))]
fn get_source() {}

/// Change a source.
#[utoipa::path(patch, path = "/api/sources/{id}/edit", tag = "sources", params(("id" = u64, Path)),
    request_body = SourceInput, responses((status = 200, description = "The changed source", body = SourceAnswer)))]
fn edit_source() {}

/// Replace a source.
#[utoipa::path(put, path = "/api/sources/{id}/edit", tag = "sources", params(("id" = u64, Path)),
    request_body = SourceInput, responses((status = 200, description = "The replaced source", body = SourceAnswer)))]
fn replace_source() {}

/// Delete a source.
#[utoipa::path(delete, path = "/api/sources/{id}/delete", tag = "sources", params(("id" = u64, Path)),
    responses((status = 200, description = "The source as it was", body = SourceAnswer)))]
fn delete_source() {}

/// Rotate a source's secret.
#[utoipa::path(post, path = "/api/sources/{id}/secret/rotate", tag = "sources", params(("id" = u64, Path)),
    responses((status = 200, description = "The new secret, shown once; the old one stays valid for the grace period",
        body = SourceWithSecret)))]
fn rotate_secret() {}

/// Try a source's mapping.
#[utoipa::path(post, path = "/api/sources/{id}/mapping/test", tag = "sources", params(("id" = u64, Path)),
    request_body = MappingTest,
    responses((status = 200, description = "What the request would become; nothing is written", body = Object)))]
fn test_mapping() {}

/// List a source's received requests.
#[utoipa::path(get, path = "/api/sources/{id}/requests", tag = "sources", params(("id" = u64, Path), Paging),
    responses((status = 200, description = "The source's request log, newest first (reasons, never bodies)",
        body = RequestList)))]
fn list_requests() {}

/// What a received webhook did: the deal, its contact, and whether the deal is new.
#[derive(utoipa::ToSchema)]
pub struct InboundAnswer {
    #[schema(value_type = Object)]
    pub deal: serde_json::Value,
    #[schema(value_type = Option<Object>)]
    pub contact: Option<serde_json::Value>,
    pub created: bool,
}

/// Receive an inbound webhook.
#[utoipa::path(post, path = "/deal-flow/settings/inbound-webhooks/{source_id}/receive", tag = "inbound",
    params(("source_id" = u64, Path, description = "The source's id"),
        ("access_key" = Option<String>, Query, description = "A `url_token` source's key (its secret)"),
        ("Idempotency-Key" = Option<String>, Header, description = "A repeat within the window answers the first answer"),
        ("webhook-id" = Option<String>, Header, description = "Read as the idempotency key when that is missing")),
    request_body(content((InboundPayload = "application/json"), (Object = "application/x-www-form-urlencoded")),
        description = "The payload, or any body the source's mapping reads"),
    responses((status = 201, description = "A deal was created", body = InboundAnswer),
        (status = 200, description = "A deal was updated (or the request repeated a key)", body = InboundAnswer)),
    security(("dealflow" = []), ("typeform" = []), ("github" = []), ("shopify" = []), ("stripe" = []),
        ("calendly" = []), ("mautic" = []), ("standard" = []), ("url_token" = [])))]
fn receive() {}

/// Receive an inbound webhook as a query string.
#[utoipa::path(get, path = "/deal-flow/settings/inbound-webhooks/{source_id}/receive", tag = "inbound",
    params(("source_id" = u64, Path, description = "The id of a `url_token` source"),
        ("access_key" = Option<String>, Query, description = "The source's key (its secret)")),
    responses((status = 201, description = "A deal was created from the query string", body = InboundAnswer),
        (status = 200, description = "A deal was updated", body = InboundAnswer)),
    security(("url_token" = [])))]
fn receive_query() {}
