//! Test fixtures the delivery modules' tests share.

use chrono::Utc;
use domain::ids::HookId;

use crate::hooks::{Hook, MaxInFlight, PayloadFormat, SignatureFormat};

/// The hook the fixtures deliver to.
pub const HOOK: HookId = HookId(1);

/// A published, ordered hook with the Mautic payload and signature.
pub fn hook() -> Hook {
    Hook {
        id: HOOK,
        name: "test".into(),
        description: None,
        webhook_url: "http://127.0.0.1:9/in".into(),
        secret: "secret".into(),
        events_orderby_dir: None,
        is_published: true,
        publish_up: None,
        publish_down: None,
        date_added: Utc::now(),
        created_by: None,
        created_by_user: None,
        date_modified: None,
        modified_by: None,
        modified_by_user: None,
        category: None,
        triggers: vec!["dealflow.deal.created".into()],
        payload_format: PayloadFormat::Mautic,
        signature_format: SignatureFormat::Mautic,
        max_in_flight: MaxInFlight::ORDERED,
        rate_limit: None,
        unpublished_reason: None,
        created_position: 0,
    }
}
