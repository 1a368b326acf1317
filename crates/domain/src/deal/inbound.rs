//! The inbound create-or-update decision of SPEC §5, pure: given the deal the request's
//! `external_id` found (if any), the pipeline it goes to, the contact it names (already looked
//! up or created) and what it asks, decide the deal's events.
//!
//! - No deal yet: create it (a title is required), in the stage asked for or the pipeline's
//!   first, with the contact on it.
//! - A deal: change the fields given (`deal.updated`), move it when the request names a
//!   pipeline or stage (`deal.stage_changed`), and add the contact unless it is already on it
//!   (`deal.contact_added`), in that order.

use chrono::NaiveDate;

use super::decide::{DealEdit, DealError, NewDeal, add_contact, create_deal, edit_deal, move_deal};
use super::state::Deal;
use crate::events::{ContactSnapshot, DomainEvent};
use crate::ids::{SourceId, StageId};
use crate::pipeline::Pipeline;
use crate::values::{Amount, Currency, CustomFields, CustomFieldsPatch, Title};

/// What an inbound request asks of its deal. Absent fields are `None`: on an update they stay
/// as they are.
#[derive(Clone, Debug)]
pub struct InboundDeal {
    pub title: Option<Title>,
    pub amount: Option<Amount>,
    pub currency: Option<Currency>,
    /// `Some(None)` clears the close date.
    pub close_date: Option<Option<NaiveDate>>,
    pub custom_fields: Option<CustomFieldsPatch>,
    pub external_id: Option<String>,
    /// The source the request came through; recorded on a created deal.
    pub source_id: SourceId,
    /// The currency of a created deal when the request names none.
    pub default_currency: Currency,
    /// The stage asked for, already found in the pipeline; `None`: the pipeline's first stage
    /// for a new deal, the deal's own stage for a move to another pipeline's first.
    pub stage: Option<StageId>,
    /// True when the request names a pipeline or a stage, i.e. asks for a move.
    pub moves: bool,
}

/// Decides what an inbound request does to its deal: the events to append to the deal's
/// stream (`deal.created` … for a new deal; possibly none for an existing one), or why not.
///
/// Errors: [`DealError::TitleRequired`] for a new deal without a title; the pipeline and stage
/// errors of [`create_deal`] and [`move_deal`].
pub fn decide_inbound(
    existing: Option<&Deal>,
    pipeline: &Pipeline,
    contact: Option<&ContactSnapshot>,
    input: &InboundDeal,
) -> Result<Vec<DomainEvent>, DealError> {
    match existing {
        None => create_deal(pipeline, new_deal(contact, input)?),
        Some(deal) => update_deal(deal, pipeline, contact, input),
    }
}

fn new_deal(contact: Option<&ContactSnapshot>, input: &InboundDeal) -> Result<NewDeal, DealError> {
    let title = input.title.clone().ok_or(DealError::TitleRequired)?;
    let custom_fields = input.custom_fields.as_ref().map(|p| CustomFields::default().patched(p)).unwrap_or_default();
    Ok(NewDeal {
        title,
        amount: input.amount.unwrap_or_default(),
        currency: input.currency.unwrap_or(input.default_currency),
        close_date: input.close_date.flatten(),
        stage_id: input.stage,
        custom_fields,
        source_id: Some(input.source_id),
        external_id: input.external_id.clone(),
        contacts: contact.cloned().into_iter().collect(),
    })
}

fn update_deal(
    deal: &Deal,
    pipeline: &Pipeline,
    contact: Option<&ContactSnapshot>,
    input: &InboundDeal,
) -> Result<Vec<DomainEvent>, DealError> {
    let edit = DealEdit {
        title: input.title.clone(),
        amount: input.amount,
        currency: input.currency,
        close_date: input.close_date,
        custom_fields: input.custom_fields.clone(),
    };
    let mut events = edit_deal(deal, &edit);
    if input.moves {
        events.extend(move_deal(deal, pipeline, input.stage)?);
    }
    if let Some(contact) = contact {
        events.extend(add_contact(deal, contact.clone()));
    }
    Ok(events)
}

#[cfg(test)]
mod tests;
