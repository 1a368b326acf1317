//! A hook as stored, and as Mautic's API shows it (camelCase, Mautic's date format).

use chrono::{DateTime, SecondsFormat, Utc};
use domain::ids::HookId;
use serde::Serialize;

use super::pace::{MaxInFlight, RateLimit};

/// Chronological or reverse order of a hook's events in a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum OrderDir {
    #[serde(rename = "ASC")]
    Asc,
    #[serde(rename = "DESC")]
    Desc,
}

impl OrderDir {
    /// Parses `ASC` or `DESC` in any case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "ASC" => Some(Self::Asc),
            "DESC" => Some(Self::Desc),
            _ => None,
        }
    }

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "ASC",
            Self::Desc => "DESC",
        }
    }
}

/// The shape of the bodies a hook receives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PayloadFormat {
    /// Events grouped by trigger, as Mautic sends them.
    #[default]
    Mautic,
    /// `{"text": ...}` summaries for a Slack incoming webhook.
    Slack,
}

/// How a hook's requests are signed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SignatureFormat {
    /// `Webhook-Signature: base64(HMAC-SHA256(secret, body))`.
    #[default]
    Mautic,
    /// Standard Webhooks' `webhook-signature: v1,<base64>` over `id.timestamp.body`.
    Standard,
}

macro_rules! text_enum {
    ($ty:ident { $($variant:ident = $text:literal),* }) => {
        impl $ty {
            /// Parses the stored (and API) text.
            pub fn parse(text: &str) -> Option<Self> {
                match text.trim().to_ascii_lowercase().as_str() { $($text => Some(Self::$variant),)* _ => None }
            }
            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text,)* }
            }
        }
    };
}

text_enum!(PayloadFormat { Mautic = "mautic", Slack = "slack" });
text_enum!(SignatureFormat { Mautic = "mautic", Standard = "standard" });

/// A category, as Mautic shows it inside a hook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    pub created_by_user: Option<String>,
    pub modified_by_user: Option<String>,
    pub id: u64,
    pub title: String,
    pub alias: String,
    pub description: Option<String>,
    pub color: Option<String>,
    pub bundle: String,
}

/// A stored hook. `Debug` leaves the secret out.
#[derive(Clone, PartialEq, Eq)]
pub struct Hook {
    pub id: HookId,
    pub name: String,
    pub description: Option<String>,
    pub webhook_url: String,
    pub secret: String,
    pub events_orderby_dir: Option<OrderDir>,
    pub is_published: bool,
    pub publish_up: Option<DateTime<Utc>>,
    pub publish_down: Option<DateTime<Utc>>,
    pub date_added: DateTime<Utc>,
    pub created_by: Option<u64>,
    pub created_by_user: Option<String>,
    pub date_modified: Option<DateTime<Utc>>,
    pub modified_by: Option<u64>,
    pub modified_by_user: Option<String>,
    pub category: Option<Category>,
    pub triggers: Vec<String>,
    pub payload_format: PayloadFormat,
    pub signature_format: SignatureFormat,
    /// Requests in flight at once (1: in order).
    pub max_in_flight: MaxInFlight,
    /// Requests per second at most (none: unlimited).
    pub rate_limit: Option<RateLimit>,
    /// Set when dealflow unpublished the hook itself (a 410 answer, a long failing streak).
    pub unpublished_reason: Option<String>,
    /// The log's head when the hook was created: it receives only later events (unless replayed).
    pub created_position: u64,
}

impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hook")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("url", &self.webhook_url)
            .finish_non_exhaustive()
    }
}

impl Hook {
    /// Whether the hook is published now (its flag, within its publication window).
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.is_published
            && self.publish_up.is_none_or(|up| up <= now)
            && self.publish_down.is_none_or(|down| now < down)
    }
}

/// Mautic's date format: `2026-02-24T04:21:16+00:00`.
pub fn mautic_date(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The delivery health of a hook, shown in its `health` field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub last_success_at: Option<String>,
    pub failing_since: Option<String>,
    pub pending_count: u64,
    /// When the oldest pending item was queued (none: nothing pending).
    pub oldest_pending_at: Option<String>,
    /// How long, in whole seconds, the oldest pending item has waited.
    pub oldest_pending_seconds: Option<u64>,
    pub failed_count: u64,
    pub unpublished_reason: Option<String>,
}

/// A hook as the API shows it: Mautic's fields, dealflow's formats and its health.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HookView<'a> {
    pub is_published: bool,
    pub date_added: String,
    pub date_modified: Option<String>,
    pub created_by: Option<u64>,
    pub created_by_user: Option<&'a str>,
    pub modified_by: Option<u64>,
    pub modified_by_user: Option<&'a str>,
    pub id: HookId,
    pub name: &'a str,
    pub description: Option<&'a str>,
    /// Analysts see it with its credentials withheld ([`super::redact`]).
    #[schema(value_type = String)]
    pub webhook_url: std::borrow::Cow<'a, str>,
    /// Withheld (`None`, not shown) from analysts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<&'a str>,
    pub events_orderby_dir: Option<OrderDir>,
    pub publish_up: Option<String>,
    pub publish_down: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Category>)]
    pub category: Option<Option<&'a Category>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    pub triggers: Option<&'a [String]>,
    pub payload_format: PayloadFormat,
    pub signature_format: SignatureFormat,
    /// Requests in flight at once for this hook, 1 to 64: 1 keeps log order, more trade it
    /// for speed.
    #[schema(value_type = u32, minimum = 1, maximum = 64)]
    pub max_in_flight: MaxInFlight,
    /// Requests per second at most for this hook (1 to 10,000), or null for no limit.
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    pub rate_limit: Option<RateLimit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<Health>,
}

impl Hook {
    /// The API's view; `minimal` leaves out the category, the triggers and the health.
    pub fn view(&self, health: Option<Health>, minimal: bool) -> HookView<'_> {
        HookView {
            is_published: self.is_published,
            date_added: mautic_date(self.date_added),
            date_modified: self.date_modified.map(mautic_date),
            created_by: self.created_by,
            created_by_user: self.created_by_user.as_deref(),
            modified_by: self.modified_by,
            modified_by_user: self.modified_by_user.as_deref(),
            id: self.id,
            name: &self.name,
            description: self.description.as_deref(),
            webhook_url: std::borrow::Cow::Borrowed(&self.webhook_url),
            secret: Some(&self.secret),
            events_orderby_dir: self.events_orderby_dir,
            publish_up: self.publish_up.map(mautic_date),
            publish_down: self.publish_down.map(mautic_date),
            category: (!minimal).then_some(self.category.as_ref()),
            triggers: (!minimal).then_some(self.triggers.as_slice()),
            payload_format: self.payload_format,
            signature_format: self.signature_format,
            max_in_flight: self.max_in_flight,
            rate_limit: self.rate_limit,
            health: if minimal { None } else { Some(health.unwrap_or_default()) },
        }
    }
}

impl HookView<'_> {
    /// The view for `reader`: analysts read hooks without their secret, and without the
    /// credentials a receiver may take in the URL.
    pub fn for_reader(mut self, reader: &api::Principal) -> Self {
        if reader.role != api::Role::Admin {
            self.secret = None;
            self.webhook_url = super::redact::without_credentials(&self.webhook_url).into();
        }
        self
    }
}
