//! The triggers a hook can subscribe to: dealflow's deal events and Mautic's own list, which is
//! accepted for compatibility (the contact ones fire; the others have no counterpart here).

/// A trigger a hook may list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub name: &'static str,
    pub label: &'static str,
    pub description: &'static str,
}

const fn trigger(name: &'static str, label: &'static str, description: &'static str) -> Trigger {
    Trigger { name, label, description }
}

/// Every trigger, dealflow's first, then Mautic's in the order of Mautic's own list.
pub const TRIGGERS: &[Trigger] = &[
    trigger("dealflow.deal.created", "Deal Created Event", "A new deal was created."),
    trigger(
        "dealflow.deal.updated",
        "Deal Updated Event",
        "A deal's title, amount, close date, currency or custom fields were updated.",
    ),
    trigger("dealflow.deal.stage_changed", "Deal Stage Changed Event", "A deal was moved to a new stage."),
    trigger("dealflow.deal.won", "Deal Won Event", "A deal was moved to, or created in, a \"won\" stage."),
    trigger("dealflow.deal.lost", "Deal Lost Event", "A deal was moved to, or created in, a \"lost\" stage."),
    trigger("dealflow.deal.contact_added", "Deal Contact Added Event", "A contact was added to a deal."),
    trigger("dealflow.deal.note_added", "Deal Note Added Event", "A note was added to a deal."),
    trigger("dealflow.deal.task_completed", "Deal Task Completed Event", "A task of a deal was marked complete."),
    trigger(
        "mautic.company_post_save",
        "Company Create/Update Event",
        "Triggered when a company is created/updated. Accepted for compatibility: dealflow has no companies, so it never fires.",
    ),
    trigger(
        "mautic.company_post_delete",
        "Company Deleted Event",
        "Triggered when a company is deleted. Accepted for compatibility: dealflow has no companies, so it never fires.",
    ),
    trigger(
        "mautic.lead_channel_subscription_changed",
        "Contact Channel Subscription Change Event",
        "Triggered when a contact's channel subscription status changes. Accepted for compatibility: dealflow has no channels, so it never fires.",
    ),
    trigger(
        "mautic.lead_company_change",
        "Contact Company Subscription Change Event",
        "Triggered when a company is added or removed to/from contact. Accepted for compatibility: dealflow has no companies, so it never fires.",
    ),
    trigger(
        "mautic.lead_post_delete",
        "Contact Deleted Event",
        "Triggered when a contact is deleted. Accepted for compatibility: dealflow does not delete contacts, so it never fires.",
    ),
    trigger(
        "mautic.lead_post_save_new",
        "Contact Identified Event",
        "Triggered when a contact is identified: fires when dealflow creates a contact.",
    ),
    trigger(
        "mautic.lead_points_change",
        "Contact Points Changed Event",
        "Triggered when a contact's points are modified. Accepted for compatibility: dealflow has no points, so it never fires.",
    ),
    trigger(
        "mautic.lead_list_change",
        "Contact Segment Membership Change Event",
        "Triggered when a contact segment membership is changed. Accepted for compatibility: dealflow has no segments, so it never fires.",
    ),
    trigger(
        "mautic.lead_post_save_update",
        "Contact Updated Event",
        "Triggered when a contact is updated: fires when a dealflow contact's fields change.",
    ),
    trigger(
        "mautic.email_on_open",
        "Email Open Event",
        "Triggered when an email is opened. Accepted for compatibility: dealflow sends no emails, so it never fires.",
    ),
    trigger(
        "mautic.email_on_send",
        "Email Send Event",
        "Triggered when an email is sent. Accepted for compatibility: dealflow sends no emails, so it never fires.",
    ),
    trigger(
        "mautic.form_on_submit",
        "Form Submit Event",
        "Triggered when a form is submitted. Accepted for compatibility: dealflow's inbound webhooks fire the deal and contact triggers instead.",
    ),
    trigger(
        "mautic.page_on_hit",
        "Page Hit Event",
        "Triggered when a page is hit. Accepted for compatibility: dealflow tracks no pages, so it never fires.",
    ),
    trigger(
        "mautic.sms_on_send",
        "Text Send Event",
        "Triggered when a text message is sent. Accepted for compatibility: dealflow sends no texts, so it never fires.",
    ),
];

/// The trigger of this name, if it exists.
pub fn find(name: &str) -> Option<&'static Trigger> {
    TRIGGERS.iter().find(|t| t.name == name)
}

/// The outbound triggers a stored event fires (SPEC §4); `stage_type` is the type of the stage
/// the deal is in after a `deal.created` or `deal.stage_changed`.
pub fn fired_by(event_type: &str, stage_type: Option<&str>) -> Vec<&'static str> {
    match event_type {
        "contact.created" => vec!["mautic.lead_post_save_new"],
        "contact.updated" => vec!["mautic.lead_post_save_update"],
        "deal.created" => match stage_type {
            Some("won") => vec!["dealflow.deal.created", "dealflow.deal.won"],
            Some("lost") => vec!["dealflow.deal.created", "dealflow.deal.lost"],
            _ => vec!["dealflow.deal.created"],
        },
        "deal.updated" => vec!["dealflow.deal.updated"],
        "deal.stage_changed" => match stage_type {
            Some("won") => vec!["dealflow.deal.stage_changed", "dealflow.deal.won"],
            Some("lost") => vec!["dealflow.deal.stage_changed", "dealflow.deal.lost"],
            _ => vec!["dealflow.deal.stage_changed"],
        },
        "deal.contact_added" => vec!["dealflow.deal.contact_added"],
        "deal.note_added" => vec!["dealflow.deal.note_added"],
        "deal.task_completed" => vec!["dealflow.deal.task_completed"],
        _ => Vec::new(),
    }
}

/// Every stored event type that fires a trigger.
const FIRING_EVENT_TYPES: [&str; 8] = [
    "contact.created",
    "contact.updated",
    "deal.created",
    "deal.updated",
    "deal.stage_changed",
    "deal.contact_added",
    "deal.note_added",
    "deal.task_completed",
];

/// The stored event types that may fire `trigger`; none for the triggers that never fire.
pub fn fired_from(trigger: &str) -> Vec<&'static str> {
    FIRING_EVENT_TYPES
        .into_iter()
        .filter(|t| [None, Some("won"), Some("lost")].into_iter().any(|stage| fired_by(t, stage).contains(&trigger)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_include_every_required_trigger() {
        let mut names: Vec<_> = TRIGGERS.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TRIGGERS.len());
        for required in [
            "mautic.lead_post_save_new",
            "mautic.lead_post_save_update",
            "mautic.lead_post_delete",
            "mautic.lead_points_change",
            "mautic.email_on_open",
            "mautic.form_on_submit",
            "mautic.page_on_hit",
        ] {
            assert!(find(required).is_some(), "{required}");
        }
        assert_eq!(TRIGGERS.iter().filter(|t| t.name.starts_with("dealflow.deal.")).count(), 8);
    }

    #[test]
    fn a_won_stage_change_fires_two_triggers() {
        assert_eq!(fired_by("deal.stage_changed", Some("won")), ["dealflow.deal.stage_changed", "dealflow.deal.won"]);
        assert_eq!(fired_by("deal.task_added", None), Vec::<&str>::new());
        assert!(fired_by("deal.stage_changed", Some("open")).iter().all(|t| find(t).is_some()));
    }

    #[test]
    fn won_comes_from_creations_and_moves_and_mautics_email_triggers_from_nothing() {
        assert_eq!(fired_from("dealflow.deal.won"), ["deal.created", "deal.stage_changed"]);
        assert_eq!(fired_from("mautic.lead_post_save_update"), ["contact.updated"]);
        assert_eq!(fired_from("mautic.email_on_open"), Vec::<&str>::new());
        let firing = TRIGGERS.iter().filter(|t| !fired_from(t.name).is_empty()).count();
        assert_eq!(firing, 10, "the eight deal triggers and the two contact ones");
    }

    #[test]
    fn a_deal_created_in_a_won_or_lost_stage_fires_won_or_lost_too() {
        assert_eq!(fired_by("deal.created", Some("won")), ["dealflow.deal.created", "dealflow.deal.won"]);
        assert_eq!(fired_by("deal.created", Some("lost")), ["dealflow.deal.created", "dealflow.deal.lost"]);
        assert_eq!(fired_by("deal.created", Some("open")), ["dealflow.deal.created"]);
    }
}
