//! Deals and contacts as they stood after each matched event, folded incrementally: the matcher
//! reads the log in order, so the cached fold is usually one version behind the next event.

use std::collections::HashMap;
use std::hash::Hash;

use domain::contact::Contact;
use domain::deal::Deal;
use domain::ids::{ContactId, DealId};
use domain::{Actor, DomainEvent, EventContext};
use eventlog::sql::Db;
use eventlog::{StorageError, reader};

/// Folds kept between matcher steps (bounded: cleared when it grows past a limit).
#[derive(Default)]
pub struct FoldCache {
    deals: HashMap<DealId, Deal>,
    contacts: HashMap<ContactId, Contact>,
    creators: HashMap<ContactId, Actor>,
}

const MAX_ENTRIES: usize = 50_000;

/// A state folded from one stream's events.
trait Folded: Clone + Sized {
    type Id: Copy + Eq + Hash;
    fn version(&self) -> u64;
    fn stream(id: Self::Id) -> String;
    fn evolve(state: Option<Self>, id: Self::Id, event: &DomainEvent, context: &EventContext) -> Option<Self>;
}

impl Folded for Deal {
    type Id = DealId;
    fn version(&self) -> u64 {
        self.version
    }
    fn stream(id: DealId) -> String {
        id.stream().as_str().to_owned()
    }
    fn evolve(state: Option<Self>, id: DealId, event: &DomainEvent, context: &EventContext) -> Option<Self> {
        Deal::evolve(state, id, event, context)
    }
}

impl Folded for Contact {
    type Id = ContactId;
    fn version(&self) -> u64 {
        self.version
    }
    fn stream(id: ContactId) -> String {
        id.stream().as_str().to_owned()
    }
    fn evolve(state: Option<Self>, id: ContactId, event: &DomainEvent, context: &EventContext) -> Option<Self> {
        Contact::evolve(state, id, event, context)
    }
}

impl FoldCache {
    /// The deal right after `event` (at `context.version`).
    pub fn deal_after(
        &mut self,
        conn: &Db<'_>,
        id: DealId,
        event: &DomainEvent,
        context: &EventContext,
    ) -> Result<Option<Deal>, StorageError> {
        after(&mut self.deals, conn, id, event, context)
    }

    /// The contact right after `event` (at `context.version`).
    pub fn contact_after(
        &mut self,
        conn: &Db<'_>,
        id: ContactId,
        event: &DomainEvent,
        context: &EventContext,
    ) -> Result<Option<Contact>, StorageError> {
        after(&mut self.contacts, conn, id, event, context)
    }

    /// Who created the contact: the actor of its stream's first event (`event` itself when that
    /// is the `contact.created`).
    pub fn contact_creator(
        &mut self,
        conn: &Db<'_>,
        id: ContactId,
        event: &DomainEvent,
        context: &EventContext,
    ) -> Result<Option<Actor>, StorageError> {
        if matches!(event, DomainEvent::ContactCreated(_)) {
            self.creators.insert(id, context.actor.clone());
        }
        if let Some(actor) = self.creators.get(&id) {
            return Ok(Some(actor.clone()));
        }
        let Some(first) = reader::read_stream(conn, &Contact::stream(id), 1)?.into_iter().next() else {
            return Ok(None);
        };
        let actor = first.context()?.actor;
        if self.creators.len() >= MAX_ENTRIES {
            self.creators.clear();
        }
        self.creators.insert(id, actor.clone());
        Ok(Some(actor))
    }
}

/// The state right after `event`: the cached fold evolved by it when the cache is one version
/// behind, else a fold of the stream's history up to the event.
fn after<S: Folded>(
    cache: &mut HashMap<S::Id, S>,
    conn: &Db<'_>,
    id: S::Id,
    event: &DomainEvent,
    context: &EventContext,
) -> Result<Option<S>, StorageError> {
    let base = match cache.remove(&id) {
        Some(state) if state.version() + 1 == context.version => Some(state),
        Some(state) if state.version() == context.version => {
            cache.insert(id, state.clone());
            return Ok(Some(state));
        }
        _ => reader::read_stream(conn, &S::stream(id), 1)?
            .iter()
            .take_while(|e| e.version < context.version)
            .try_fold(None, |state, e| Ok::<_, StorageError>(S::evolve(state, id, &e.decode()?, &e.context()?)))?,
    };
    let state = S::evolve(base, id, event, context);
    if let Some(state) = &state {
        if cache.len() >= MAX_ENTRIES {
            cache.clear();
        }
        cache.insert(id, state.clone());
    }
    Ok(state)
}
