//! Deals and contacts as they stood after each matched event, folded incrementally: the matcher
//! reads the log in order, so the cached fold is usually one version behind the next event.

use std::collections::HashMap;

use domain::contact::Contact;
use domain::deal::Deal;
use domain::ids::{ContactId, DealId};
use domain::{DomainEvent, EventContext};
use eventlog::{StorageError, reader};
use rusqlite::Connection;

/// Folds kept between matcher steps (bounded: cleared when it grows past a limit).
#[derive(Default)]
pub struct FoldCache {
    deals: HashMap<DealId, Deal>,
    contacts: HashMap<ContactId, Contact>,
}

const MAX_ENTRIES: usize = 50_000;

/// A stream's events up to `version`, decoded with their contexts.
fn history(conn: &Connection, stream: &str, version: u64) -> Result<Vec<(DomainEvent, EventContext)>, StorageError> {
    reader::read_stream(conn, stream, 1)?
        .iter()
        .take_while(|e| e.version <= version)
        .map(|e| Ok((e.decode()?, e.context()?)))
        .collect()
}

impl FoldCache {
    /// The deal right after `event` (at `context.version`).
    pub fn deal_after(
        &mut self,
        conn: &Connection,
        id: DealId,
        event: &DomainEvent,
        context: &EventContext,
    ) -> Result<Option<Deal>, StorageError> {
        let base = match self.deals.remove(&id) {
            Some(deal) if deal.version + 1 == context.version => Some(deal),
            Some(deal) if deal.version == context.version => return Ok(Some(deal)),
            _ => {
                let before = history(conn, id.stream().as_str(), context.version.saturating_sub(1))?;
                Deal::fold(id, before.iter().map(|(e, c)| (e, c)))
            }
        };
        let deal = Deal::evolve(base, id, event, context);
        if let Some(deal) = &deal {
            if self.deals.len() >= MAX_ENTRIES {
                self.deals.clear();
            }
            self.deals.insert(id, deal.clone());
        }
        Ok(deal)
    }

    /// The contact right after `event` (at `context.version`).
    pub fn contact_after(
        &mut self,
        conn: &Connection,
        id: ContactId,
        event: &DomainEvent,
        context: &EventContext,
    ) -> Result<Option<Contact>, StorageError> {
        let base = match self.contacts.remove(&id) {
            Some(contact) if contact.version + 1 == context.version => Some(contact),
            Some(contact) if contact.version == context.version => return Ok(Some(contact)),
            _ => {
                let before = history(conn, id.stream().as_str(), context.version.saturating_sub(1))?;
                Contact::fold(id, before.iter().map(|(e, c)| (e, c)))
            }
        };
        let contact = Contact::evolve(base, id, event, context);
        if let Some(contact) = &contact {
            if self.contacts.len() >= MAX_ENTRIES {
                self.contacts.clear();
            }
            self.contacts.insert(id, contact.clone());
        }
        Ok(contact)
    }
}
