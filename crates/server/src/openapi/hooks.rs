//! Operations of Mautic's hooks API, its categories, and dealflow's delivery extras (SPEC §7).
//! Handlers live in `dispatcher::hooks` and `dispatcher::delivery::routes`. Bodies are JSON or
//! Mautic's form (`application/x-www-form-urlencoded`, as `http_build_query` writes it).

#![allow(dead_code)]

use super::bodies::*;
use super::forms::{CategoryForm, HookForm};
use super::hook_answers::*;
use super::params::{HookFilters, Paging};

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_hooks,
    triggers,
    new_hook,
    get_hook,
    replace_hook,
    edit_hook,
    delete_hook,
    batch_new,
    batch_put,
    batch_patch,
    batch_delete,
    list_categories,
    new_category,
    get_category,
    get_settings,
    patch_settings,
    logs,
    test,
    replay
))]
pub struct Doc;

/// List hooks.
#[utoipa::path(get, path = "/api/hooks", tag = "hooks", params(Paging, HookFilters),
    responses((status = 200, description = "Hooks keyed by id, in query order", body = HookList)))]
fn list_hooks() {}

/// List the triggers a hook may name.
#[utoipa::path(get, path = "/api/hooks/triggers", tag = "hooks",
    responses((status = 200, description = "Every trigger a hook may name", body = TriggerList)))]
fn triggers() {}

/// Create a hook.
#[utoipa::path(post, path = "/api/hooks/new", tag = "hooks",
    request_body(content((HookInput = "application/json"), (HookForm = "application/x-www-form-urlencoded"))),
    responses((status = 201, description = "The new hook; `Location` names it", body = HookAnswer)))]
fn new_hook() {}

/// Get a hook.
#[utoipa::path(get, path = "/api/hooks/{id}", tag = "hooks", params(("id" = u64, Path)),
    responses((status = 200, description = "The hook", body = HookAnswer)))]
fn get_hook() {}

/// Replace (or create) a hook.
#[utoipa::path(put, path = "/api/hooks/{id}/edit", tag = "hooks", params(("id" = u64, Path)),
    request_body(content((HookInput = "application/json"), (HookForm = "application/x-www-form-urlencoded"))),
    responses((status = 200, description = "The replaced hook", body = HookAnswer),
        (status = 201, description = "The hook, created under this id", body = HookAnswer)))]
fn replace_hook() {}

/// Change a hook.
#[utoipa::path(patch, path = "/api/hooks/{id}/edit", tag = "hooks", params(("id" = u64, Path)),
    request_body(content((HookInput = "application/json"), (HookForm = "application/x-www-form-urlencoded"))),
    responses((status = 200, description = "The changed hook", body = HookAnswer)))]
fn edit_hook() {}

/// Delete a hook.
#[utoipa::path(delete, path = "/api/hooks/{id}/delete", tag = "hooks", params(("id" = u64, Path)),
    responses((status = 200, description = "The hook as it was", body = HookAnswer)))]
fn delete_hook() {}

/// Create several hooks.
#[utoipa::path(post, path = "/api/hooks/batch/new", tag = "hooks",
    request_body(content((Vec<HookInput> = "application/json"), (Object = "application/x-www-form-urlencoded"))),
    responses((status = 201, description = "Each hook's answer by index", body = HookBatch),
        (status = 200, description = "Each hook's answer by index, some failed", body = HookBatch),
        (status = 422, description = "No item was applied: each one's error by index", body = HookBatch)))]
fn batch_new() {}

/// Replace several hooks.
#[utoipa::path(put, path = "/api/hooks/batch/edit", tag = "hooks",
    request_body(content((Vec<HookInput> = "application/json"), (Object = "application/x-www-form-urlencoded"))),
    responses((status = 200, description = "Each hook's answer by index", body = HookBatch),
        (status = 422, description = "No item was applied: each one's error by index", body = HookBatch)))]
fn batch_put() {}

/// Change several hooks.
#[utoipa::path(patch, path = "/api/hooks/batch/edit", tag = "hooks",
    request_body(content((Vec<HookInput> = "application/json"), (Object = "application/x-www-form-urlencoded"))),
    responses((status = 200, description = "Each hook's answer by index", body = HookBatch),
        (status = 422, description = "No item was applied: each one's error by index", body = HookBatch)))]
fn batch_patch() {}

/// Delete several hooks.
#[utoipa::path(delete, path = "/api/hooks/batch/delete", tag = "hooks",
    params(("ids[]" = Vec<u64>, Query, explode, description = "The hooks to delete")),
    responses((status = 200, description = "Each deleted hook as it was", body = HookBatch),
        (status = 422, description = "No hook was deleted: each one's error by index", body = HookBatch)))]
fn batch_delete() {}

/// List categories.
#[utoipa::path(get, path = "/api/categories", tag = "hooks",
    responses((status = 200, description = "Every category", body = CategoryList)))]
fn list_categories() {}

/// Create a category.
#[utoipa::path(post, path = "/api/categories/new", tag = "hooks",
    request_body(content((CategoryInput = "application/json"), (CategoryForm = "application/x-www-form-urlencoded"))),
    responses((status = 201, description = "The new category", body = CategoryAnswer)))]
fn new_category() {}

/// Get a category.
#[utoipa::path(get, path = "/api/categories/{id}", tag = "hooks", params(("id" = u64, Path)),
    responses((status = 200, description = "The category", body = CategoryAnswer)))]
fn get_category() {}

/// Get the delivery settings.
#[utoipa::path(get, path = "/api/settings/webhooks", tag = "settings",
    responses((status = 200, description = "The delivery settings", body = SettingsAnswer)))]
fn get_settings() {}

/// Change the delivery settings.
#[utoipa::path(patch, path = "/api/settings/webhooks", tag = "settings", request_body = SettingsInput,
    responses((status = 200, description = "The changed settings", body = SettingsAnswer)))]
fn patch_settings() {}

/// List a hook's delivery log.
#[utoipa::path(get, path = "/api/hooks/{id}/logs", tag = "hooks", params(("id" = u64, Path), Paging),
    responses((status = 200, description = "The hook's delivery log, newest first", body = LogList)))]
fn logs() {}

/// Send a hook a sample payload.
#[utoipa::path(post, path = "/api/hooks/{id}/test", tag = "hooks", params(("id" = u64, Path)),
    responses((status = 200, description = "A sample payload was sent: the receiver's status and time", body = TestAnswer)))]
fn test() {}

/// Replay past events to a hook.
#[utoipa::path(post, path = "/api/hooks/{id}/replay", tag = "hooks", params(("id" = u64, Path)),
    request_body = ReplayInput,
    responses((status = 200, description = "What was queued for the hook", body = ReplayAnswer)))]
fn replay() {}
