//! Contacts on the command side: look up by email or create, once per address even under
//! concurrent requests (every write unit runs on the one writer thread, so the lookup and the
//! claim cannot interleave with another unit's).

use domain::contact::{Contact, ContactEdit, NewContact, create_contact, edit_contact};
use domain::events::ContactSnapshot;
use domain::ids::{ContactId, IdKind};
use domain::{EventContext, Metadata};
use eventlog::{ExpectedVersion, NewEvent, Transaction};

use crate::CommandError;
use crate::lookups::{claim_email, contact_by_email, release_email};
use crate::streams::load_contact;

/// A contact found or created by email.
#[derive(Clone, Debug)]
pub struct ResolvedContact {
    pub snapshot: ContactSnapshot,
    /// True when this unit created it.
    pub created: bool,
}

/// The contact with this email, created from `input` when there is none. An existing contact's
/// fields are left as they are.
pub fn find_or_create(
    tx: &mut Transaction<'_>,
    input: NewContact,
    metadata: &Metadata,
) -> Result<ResolvedContact, CommandError> {
    let key = input.email.key();
    if let Some(id) = contact_by_email(tx.sql(), &key)? {
        let contact = existing(tx, id)?;
        return Ok(ResolvedContact { snapshot: contact.snapshot(), created: false });
    }
    let contact = create_unclaimed(tx, input, metadata)?;
    Ok(ResolvedContact { snapshot: contact.snapshot(), created: true })
}

/// Creates a contact; 422 when its email already belongs to one.
pub fn create(tx: &mut Transaction<'_>, input: NewContact, metadata: &Metadata) -> Result<Contact, CommandError> {
    let key = input.email.key();
    if contact_by_email(tx.sql(), &key)?.is_some() {
        return Err(CommandError::invalid("email", "another contact already has this email address"));
    }
    create_unclaimed(tx, input, metadata)
}

/// Creates a contact whose email this unit has just found unclaimed.
fn create_unclaimed(tx: &mut Transaction<'_>, input: NewContact, metadata: &Metadata) -> Result<Contact, CommandError> {
    let key = input.email.key();
    let id = ContactId(tx.next_id(IdKind::Contact)?);
    let events = create_contact(input);
    tx.append(&id.stream(), ExpectedVersion::NoStream, &NewEvent::from_domain_all(&events, metadata)?)?;
    claim_email(tx.sql(), &key, id)?;
    // Folded in memory: reading back what was just written would only decode it again.
    let context = EventContext { version: 1, recorded_at: tx.recorded_at(), actor: metadata.actor.clone() };
    Contact::fold(id, events.iter().map(|e| (e, &context)))
        .ok_or_else(|| CommandError::NotFound(format!("contact {id} was not created")))
}

/// Edits a contact, moving its email claim when the address changes; nothing when nothing changes.
pub fn edit(
    tx: &mut Transaction<'_>,
    id: ContactId,
    expected: Option<u64>,
    edit: ContactEdit,
    metadata: &Metadata,
) -> Result<Contact, CommandError> {
    let contact = existing(tx, id)?;
    check_version(&id.stream().0, expected, contact.version)?;
    if let Some(email) = &edit.email {
        let (old, new) = (contact.email.to_lowercase(), email.key());
        if old != new {
            if contact_by_email(tx.sql(), &new)?.is_some() {
                return Err(CommandError::invalid("email", "another contact already has this email address"));
            }
            release_email(tx.sql(), &old)?;
            claim_email(tx.sql(), &new, id)?;
        }
    }
    let events = edit_contact(&contact, edit);
    if events.is_empty() {
        return Ok(contact);
    }
    let expected = ExpectedVersion::Exact(contact.version);
    tx.append(&id.stream(), expected, &NewEvent::from_domain_all(&events, metadata)?)?;
    existing(tx, id)
}

/// The contact, or 404.
pub fn existing(tx: &Transaction<'_>, id: ContactId) -> Result<Contact, CommandError> {
    load_contact(tx, id)?.ok_or_else(|| CommandError::NotFound(format!("contact {id} does not exist")))
}

/// 409 when the client's `If-Match` version is not the entity's current one.
pub fn check_version(what: &str, expected: Option<u64>, current: u64) -> Result<(), CommandError> {
    match expected {
        Some(expected) if expected != current => Err(CommandError::Conflict(format!(
            "{what} is at version {current}, not {expected} as If-Match says; read it again and retry"
        ))),
        _ => Ok(()),
    }
}
