use super::*;

/// A stored event that could not be turned back into a [`DomainEvent`].
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type {0:?}")]
    UnknownType(String),
    #[error("event type {event_type} has no schema {schema} (newest is {newest})")]
    UnknownSchema { event_type: String, schema: u32, newest: u32 },
    #[error("event data of {event_type} does not match its schema: {source}")]
    BadData { event_type: String, source: serde_json::Error },
}

macro_rules! domain_events {
    ($( $(#[$doc:meta])* $variant:ident($data:ty) = $name:literal @ $schema:literal, )*) => {
        /// Every event dealflow stores, one variant per stored `type`.
        #[derive(Clone, Debug, PartialEq)]
        pub enum DomainEvent {
            $( $(#[$doc])* $variant($data), )*
        }

        /// Every stored event type with its current schema version.
        pub const EVENT_TYPES: &[(&str, u32)] = &[ $( ($name, $schema), )* ];

        impl DomainEvent {
            /// The stored type name, e.g. `deal.created`.
            pub fn event_type(&self) -> &'static str {
                match self { $( Self::$variant(_) => $name, )* }
            }

            /// The schema version this build writes for the event's type.
            pub fn schema(&self) -> u32 {
                match self { $( Self::$variant(_) => $schema, )* }
            }

            /// The event's data as JSON text.
            pub fn encode_data(&self) -> Result<String, serde_json::Error> {
                match self { $( Self::$variant(data) => serde_json::to_string(data), )* }
            }

            /// Reads a stored event, upcasting data written under an older schema.
            pub fn decode(event_type: &str, schema: u32, data: &str) -> Result<Self, DecodeError> {
                let newest = current_schema(event_type)
                    .ok_or_else(|| DecodeError::UnknownType(event_type.to_owned()))?;
                if schema == 0 || schema > newest {
                    return Err(DecodeError::UnknownSchema { event_type: event_type.to_owned(), schema, newest });
                }
                let data = upcast::to_current(event_type, schema, newest, data)?;
                let bad = |source| DecodeError::BadData { event_type: event_type.to_owned(), source };
                match event_type {
                    $( $name => serde_json::from_str(&data).map(Self::$variant).map_err(bad), )*
                    other => Err(DecodeError::UnknownType(other.to_owned())),
                }
            }
        }
    };
}

/// The current schema of a stored type, if the type is known.
pub fn current_schema(event_type: &str) -> Option<u32> {
    EVENT_TYPES.iter().find(|(name, _)| *name == event_type).map(|(_, schema)| *schema)
}

domain_events! {
    /// A pipeline was created with its stages.
    PipelineCreated(PipelineCreated) = "pipeline.created" @ 1,
    /// A pipeline was renamed.
    PipelineUpdated(PipelineUpdated) = "pipeline.updated" @ 1,
    /// A stage was added to a pipeline.
    PipelineStageAdded(PipelineStageAdded) = "pipeline.stage_added" @ 1,
    /// A stage's name, type, probability or position changed.
    PipelineStageUpdated(PipelineStageUpdated) = "pipeline.stage_updated" @ 1,
    /// A pipeline was deleted; its deals stay.
    PipelineDeleted(PipelineDeleted) = "pipeline.deleted" @ 1,
    /// A new contact.
    ContactCreated(ContactCreated) = "contact.created" @ 1,
    /// A contact's fields changed.
    ContactUpdated(ContactUpdated) = "contact.updated" @ 1,
    /// A new deal.
    DealCreated(DealCreated) = "deal.created" @ 1,
    /// A deal's title, amount, close date, currency or custom fields changed.
    DealUpdated(DealUpdated) = "deal.updated" @ 1,
    /// A deal moved to another stage.
    DealStageChanged(DealStageChanged) = "deal.stage_changed" @ 1,
    /// A contact joined a deal.
    DealContactAdded(DealContactAdded) = "deal.contact_added" @ 1,
    /// A note was added to a deal (schema 1 held `note_id` and `text` flat).
    DealNoteAdded(DealNoteAdded) = "deal.note_added" @ 2,
    /// A task was added to a deal.
    DealTaskAdded(DealTaskAdded) = "deal.task_added" @ 1,
    /// A task was marked complete.
    DealTaskCompleted(DealTaskCompleted) = "deal.task_completed" @ 1,
    /// An inbound source was created (its secret is never in the log).
    SourceCreated(SourceCreated) = "source.created" @ 1,
    /// A source's name, default pipeline or publication changed.
    SourceUpdated(SourceUpdated) = "source.updated" @ 1,
    /// A source's secret was replaced; the old one works until `previous_valid_until`.
    SourceSecretRotated(SourceSecretRotated) = "source.secret_rotated" @ 1,
    /// A source was deleted.
    SourceDeleted(SourceDeleted) = "source.deleted" @ 1,
    /// An inbound request was accepted.
    InboundReceived(InboundReceived) = "inbound.received" @ 1,
    /// A hook was created (audit record; the secret is redacted).
    HookCreated(HookChanged) = "hook.created" @ 1,
    /// A hook was changed (audit record; the secret is redacted).
    HookUpdated(HookChanged) = "hook.updated" @ 1,
    /// A hook was deleted.
    HookDeleted(HookDeleted) = "hook.deleted" @ 1,
    /// dealflow unpublished a hook after a 410 or a long failing streak.
    HookUnpublished(HookUnpublished) = "hook.unpublished" @ 1,
}

impl DomainEvent {
    /// The data as a JSON value (for payloads and exports).
    pub fn data_value(&self) -> serde_json::Value {
        self.encode_data().ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_unique() {
        let mut names: Vec<_> = EVENT_TYPES.iter().map(|(name, _)| *name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), EVENT_TYPES.len());
    }

    #[test]
    fn unknown_types_and_future_schemas_are_reported() {
        assert!(matches!(DomainEvent::decode("deal.exploded", 1, "{}"), Err(DecodeError::UnknownType(_))));
        assert!(matches!(
            DomainEvent::decode("deal.task_completed", 9, "{}"),
            Err(DecodeError::UnknownSchema { newest: 1, .. })
        ));
        assert!(matches!(DomainEvent::decode("deal.task_completed", 1, "{}"), Err(DecodeError::BadData { .. })));
    }
}
