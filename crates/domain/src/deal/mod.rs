//! Deals: state folded from `deal-N` (also the deal's public JSON shape), and the decisions on it
//! ([`decide_inbound`]: the inbound create-or-update decision).

mod decide;
mod inbound;
mod state;

pub use decide::{
    DealEdit, DealError, NewDeal, add_contact, add_note, add_task, complete_task, create_deal, edit_deal, move_deal,
};
pub use inbound::{InboundDeal, decide_inbound};
pub use state::{Deal, Note, Task};
