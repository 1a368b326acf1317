//! Contact commands: create and edit (the email stays unique, case-insensitively).

use api::Fields;
use domain::Metadata;
use domain::contact::{ContactEdit, NewContact};
use domain::ids::ContactId;
use domain::values::{Email, FieldErrors};
use eventlog::Transaction;
use serde_json::{Map, Value};

use super::Written;
use crate::input::{self, MAX_TEXT};
use crate::{CommandError, contacts};

/// `{email, first_name?, last_name?, company?}`.
pub fn parse_new(map: &Map<String, Value>) -> Result<NewContact, FieldErrors> {
    Fields::parse_object(map, input::new_contact)
}

/// `{email?, first_name?, last_name?, company?}`; `null` or `""` clears a name or company.
pub fn parse_edit(map: &Map<String, Value>) -> Result<ContactEdit, FieldErrors> {
    Fields::parse_object(map, |fields: &mut Fields<'_>| {
        Some(ContactEdit {
            email: fields.string("email", false, Email::parse),
            first_name: fields.clearable_text("first_name", MAX_TEXT),
            last_name: fields.clearable_text("last_name", MAX_TEXT),
            company: fields.clearable_text("company", MAX_TEXT),
        })
    })
}

/// Creates a contact; 422 when the email is taken.
pub fn create(
    tx: &mut Transaction<'_>,
    input: NewContact,
    metadata: &Metadata,
) -> Result<Written<ContactId>, CommandError> {
    let contact = contacts::create(tx, input, metadata)?;
    Ok(Written { id: contact.id, position: tx.head() })
}

/// Edits a contact.
pub fn edit(
    tx: &mut Transaction<'_>,
    id: ContactId,
    expected: Option<u64>,
    edit: ContactEdit,
    metadata: &Metadata,
) -> Result<Written<ContactId>, CommandError> {
    contacts::edit(tx, id, expected, edit, metadata)?;
    Ok(Written { id, position: tx.head() })
}
