//! Hook commands as write units: each writes the `hooks` row and appends its audit event
//! (`hook.created`, `hook.updated`, `hook.deleted`; the secret only as "changed") in one
//! transaction. A change that changes nothing appends nothing.

use std::collections::BTreeMap;

use api::CommandError;
use domain::Metadata;
use domain::events::{DomainEvent, HookChanged, HookDeleted, HookUnpublished};
use domain::ids::{HookId, IdKind};
use domain::secrets::SecretBox;
use domain::values::Change;
use eventlog::{AppendError, ExpectedVersion, NewEvent, StorageError, Transaction};
use rand::RngCore;
use serde_json::{Value, json};

use super::input::HookInput;
use super::model::{Hook, PayloadFormat, SignatureFormat};
use super::pace::MaxInFlight;
use super::store;

/// Who is making a change (for `createdBy` and `modifiedBy`).
#[derive(Clone, Debug)]
pub struct Editor {
    pub id: u64,
    pub name: String,
}

/// A new secret: 32 random bytes as 64 hex digits.
pub fn generate_secret() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a hook from a complete input.
pub fn create(
    tx: &mut Transaction<'_>,
    secrets: &SecretBox,
    input: HookInput,
    editor: &Editor,
    metadata: &Metadata,
) -> Result<Hook, CommandError> {
    input.require_complete().map_err(CommandError::Invalid)?;
    let now = tx.recorded_at();
    let mut hook = Hook {
        id: HookId(tx.next_id(IdKind::Hook)?),
        name: String::new(),
        description: None,
        webhook_url: String::new(),
        secret: generate_secret(),
        events_orderby_dir: None,
        is_published: true,
        publish_up: None,
        publish_down: None,
        date_added: now,
        created_by: Some(editor.id),
        created_by_user: Some(editor.name.clone()),
        date_modified: None,
        modified_by: None,
        modified_by_user: None,
        category: None,
        triggers: Vec::new(),
        payload_format: PayloadFormat::default(),
        signature_format: SignatureFormat::default(),
        max_in_flight: MaxInFlight::ORDERED,
        rate_limit: None,
        unpublished_reason: None,
        created_position: tx.head(),
    };
    apply(tx, &mut hook, input)?;
    store::save(tx.sql(), secrets, &hook)?;
    let changes = differences(None, &hook);
    append(tx, hook.id, DomainEvent::HookCreated(HookChanged { changes }), metadata)?;
    Ok(hook)
}

/// PUT: replaces a hook completely (fields not given return to their defaults, the secret is
/// generated anew unless given), or creates one when the id does not exist. Answers whether it
/// created.
pub fn replace(
    tx: &mut Transaction<'_>,
    secrets: &SecretBox,
    id: HookId,
    input: HookInput,
    editor: &Editor,
    metadata: &Metadata,
) -> Result<(Hook, bool), CommandError> {
    let Some(existing) = store::find(tx.sql(), secrets, id)? else {
        return create(tx, secrets, input, editor, metadata).map(|hook| (hook, true));
    };
    input.require_complete().map_err(CommandError::Invalid)?;
    let mut hook = Hook {
        description: None,
        secret: generate_secret(),
        events_orderby_dir: None,
        is_published: true,
        publish_up: None,
        publish_down: None,
        category: None,
        payload_format: PayloadFormat::default(),
        signature_format: SignatureFormat::default(),
        max_in_flight: MaxInFlight::ORDERED,
        rate_limit: None,
        ..existing.clone()
    };
    apply(tx, &mut hook, input)?;
    save_changes(tx, secrets, existing, hook, editor, metadata).map(|hook| (hook, false))
}

/// PATCH: changes the fields given; 404 when the hook does not exist.
pub fn patch(
    tx: &mut Transaction<'_>,
    secrets: &SecretBox,
    id: HookId,
    input: HookInput,
    editor: &Editor,
    metadata: &Metadata,
) -> Result<Hook, CommandError> {
    let existing = existing(tx, secrets, id)?;
    let mut hook = existing.clone();
    apply(tx, &mut hook, input)?;
    save_changes(tx, secrets, existing, hook, editor, metadata)
}

/// Deletes a hook and answers it as it was. Its queue, state and log are delivery's: the
/// route's write unit drops them too.
pub fn delete(
    tx: &mut Transaction<'_>,
    secrets: &SecretBox,
    id: HookId,
    metadata: &Metadata,
) -> Result<Hook, CommandError> {
    let hook = existing(tx, secrets, id)?;
    store::delete(tx.sql(), id)?;
    append(tx, id, DomainEvent::HookDeleted(HookDeleted { name: hook.name.clone() }), metadata)?;
    Ok(hook)
}

/// dealflow unpublishes a hook itself (a 410 answer, a long failing streak) and records why. Its
/// events keep queueing until someone publishes it again. Answers whether it was published.
/// Delivery calls it; the error is the event log's, not an API refusal.
pub fn unpublish(
    tx: &mut Transaction<'_>,
    secrets: &SecretBox,
    id: HookId,
    reason: String,
) -> Result<bool, AppendError> {
    let Some(mut hook) = store::find(tx.sql(), secrets, id)?.filter(|h| h.is_published) else { return Ok(false) };
    hook.is_published = false;
    hook.unpublished_reason = Some(reason.clone());
    hook.date_modified = Some(tx.recorded_at());
    store::save(tx.sql(), secrets, &hook)?;
    let event = DomainEvent::HookUnpublished(HookUnpublished { reason });
    let event = NewEvent::from_domain(&event, &Metadata::system()).map_err(StorageError::from)?;
    tx.append(&id.stream(), ExpectedVersion::Any, &[event])?;
    Ok(true)
}

/// The hook, or 404.
pub fn existing(tx: &Transaction<'_>, secrets: &SecretBox, id: HookId) -> Result<Hook, CommandError> {
    store::find(tx.sql(), secrets, id)?.ok_or_else(|| CommandError::NotFound(format!("hook {id} does not exist")))
}

fn save_changes(
    tx: &mut Transaction<'_>,
    secrets: &SecretBox,
    before: Hook,
    mut hook: Hook,
    editor: &Editor,
    metadata: &Metadata,
) -> Result<Hook, CommandError> {
    let changes = differences(Some(&before), &hook);
    if changes.is_empty() {
        return Ok(before);
    }
    hook.date_modified = Some(tx.recorded_at());
    hook.modified_by = Some(editor.id);
    hook.modified_by_user = Some(editor.name.clone());
    store::save(tx.sql(), secrets, &hook)?;
    append(tx, hook.id, DomainEvent::HookUpdated(HookChanged { changes }), metadata)?;
    Ok(hook)
}

/// Sets every field the input gives.
fn apply(tx: &Transaction<'_>, hook: &mut Hook, input: HookInput) -> Result<(), CommandError> {
    if let Some(name) = input.name {
        hook.name = name;
    }
    if let Some(description) = input.description {
        hook.description = description;
    }
    if let Some(url) = input.webhook_url {
        hook.webhook_url = url;
    }
    if let Some(secret) = input.secret {
        hook.secret = secret.unwrap_or_else(generate_secret);
    }
    if let Some(direction) = input.events_orderby_dir {
        hook.events_orderby_dir = direction;
    }
    if let Some(published) = input.is_published {
        // A user's decision replaces dealflow's own reason for unpublishing.
        hook.unpublished_reason = None;
        hook.is_published = published;
    }
    if let Some(up) = input.publish_up {
        hook.publish_up = up;
    }
    if let Some(down) = input.publish_down {
        hook.publish_down = down;
    }
    if let Some(category) = input.category {
        hook.category = match category {
            Some(id) => Some(
                store::find_category(tx.sql(), id)?
                    .ok_or_else(|| CommandError::invalid("category", format!("category {id} does not exist")))?,
            ),
            None => None,
        };
    }
    if let Some(triggers) = input.triggers {
        hook.triggers = triggers;
    }
    if let Some(format) = input.payload_format {
        hook.payload_format = format;
    }
    if let Some(format) = input.signature_format {
        hook.signature_format = format;
    }
    if let Some(count) = input.max_in_flight {
        hook.max_in_flight = count;
    }
    if let Some(rate) = input.rate_limit {
        hook.rate_limit = rate;
    }
    Ok(())
}

/// The fields an audit record compares; the secret appears only as whether it changed.
fn audited(hook: &Hook) -> BTreeMap<&'static str, Value> {
    BTreeMap::from([
        ("name", json!(hook.name)),
        ("description", json!(hook.description)),
        ("webhookUrl", json!(hook.webhook_url)),
        ("eventsOrderbyDir", json!(hook.events_orderby_dir)),
        ("isPublished", json!(hook.is_published)),
        ("publishUp", json!(hook.publish_up)),
        ("publishDown", json!(hook.publish_down)),
        ("category", json!(hook.category.as_ref().map(|c| c.id))),
        ("triggers", json!(hook.triggers)),
        ("payloadFormat", json!(hook.payload_format)),
        ("signatureFormat", json!(hook.signature_format)),
        ("maxInFlight", json!(hook.max_in_flight)),
        ("rateLimit", json!(hook.rate_limit)),
    ])
}

fn differences(before: Option<&Hook>, after: &Hook) -> BTreeMap<String, Change<Value>> {
    let old = before.map(audited).unwrap_or_default();
    let mut changes: BTreeMap<String, Change<Value>> = audited(after)
        .into_iter()
        .filter_map(|(field, new)| {
            let old = old.get(field).cloned().unwrap_or(Value::Null);
            Change::between(old, new).map(|change| (field.to_owned(), change))
        })
        .collect();
    if before.is_none_or(|b| b.secret != after.secret) {
        changes.insert("secret".into(), Change { old: Value::Null, new: json!("changed") });
    }
    changes
}

fn append(tx: &mut Transaction<'_>, id: HookId, event: DomainEvent, metadata: &Metadata) -> Result<(), CommandError> {
    tx.append(&id.stream(), ExpectedVersion::Any, &[NewEvent::from_domain(&event, metadata)?])?;
    Ok(())
}
