//! Contacts: state folded from `contact-N` (also their public JSON shape), and their decisions.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::context::EventContext;
use crate::events::{ContactChanges, ContactCreated, ContactSnapshot, ContactUpdated, DomainEvent};
use crate::ids::ContactId;
use crate::values::{Change, Email};

/// A contact as folded from its stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: ContactId,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// A contact to create.
#[derive(Clone, Debug)]
pub struct NewContact {
    pub email: Email,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
}

/// Changes to a contact; `Some(None)` clears a name or company.
#[derive(Clone, Debug, Default)]
pub struct ContactEdit {
    pub email: Option<Email>,
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub company: Option<Option<String>>,
}

impl Contact {
    /// Folds a contact's events in stream order; `None` before `contact.created`.
    pub fn fold<'a>(
        id: ContactId,
        events: impl IntoIterator<Item = (&'a DomainEvent, &'a EventContext)>,
    ) -> Option<Self> {
        events.into_iter().fold(None, |state, (event, context)| Self::evolve(state, id, event, context))
    }

    /// Applies one event to the state.
    pub fn evolve(state: Option<Self>, id: ContactId, event: &DomainEvent, context: &EventContext) -> Option<Self> {
        match event {
            DomainEvent::ContactCreated(created) => Some(Self {
                id,
                email: created.email.clone(),
                first_name: created.first_name.clone(),
                last_name: created.last_name.clone(),
                company: created.company.clone(),
                created_at: context.recorded_at,
                updated_at: context.recorded_at,
                version: context.version,
            }),
            DomainEvent::ContactUpdated(updated) => {
                let mut contact = state?;
                let changes = &updated.changes;
                if let Some(c) = &changes.email {
                    contact.email = c.new.clone();
                }
                if let Some(c) = &changes.first_name {
                    contact.first_name = c.new.clone();
                }
                if let Some(c) = &changes.last_name {
                    contact.last_name = c.new.clone();
                }
                if let Some(c) = &changes.company {
                    contact.company = c.new.clone();
                }
                contact.version = context.version;
                contact.updated_at = context.recorded_at;
                Some(contact)
            }
            _ => state,
        }
    }

    /// The contact as recorded when it joins a deal.
    pub fn snapshot(&self) -> ContactSnapshot {
        ContactSnapshot {
            id: self.id,
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            company: self.company.clone(),
        }
    }
}

/// Decides a new contact.
pub fn create_contact(contact: NewContact) -> Vec<DomainEvent> {
    vec![DomainEvent::ContactCreated(ContactCreated {
        email: contact.email.as_str().to_owned(),
        first_name: contact.first_name,
        last_name: contact.last_name,
        company: contact.company,
    })]
}

/// Decides an edit: one `contact.updated` with every change, or nothing.
pub fn edit_contact(contact: &Contact, edit: ContactEdit) -> Vec<DomainEvent> {
    let changes = ContactChanges {
        email: edit.email.and_then(|e| Change::between(contact.email.clone(), e.as_str().to_owned())),
        first_name: edit.first_name.and_then(|v| Change::between(contact.first_name.clone(), v)),
        last_name: edit.last_name.and_then(|v| Change::between(contact.last_name.clone(), v)),
        company: edit.company.and_then(|v| Change::between(contact.company.clone(), v)),
    };
    if changes.is_empty() { Vec::new() } else { vec![DomainEvent::ContactUpdated(ContactUpdated { changes })] }
}
