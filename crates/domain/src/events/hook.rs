use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::values::Change;

/// `hook.created` and `hook.updated`: the audit record of a hook change, field by field. A
/// changed secret appears only as the word `"changed"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookChanged {
    pub changes: BTreeMap<String, Change<serde_json::Value>>,
}

/// `hook.deleted`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookDeleted {
    pub name: String,
}

/// `hook.unpublished`: dealflow stopped delivering to a hook, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookUnpublished {
    pub reason: String,
}
