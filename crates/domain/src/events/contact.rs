use serde::{Deserialize, Serialize};

use crate::ids::ContactId;
use crate::values::Change;

/// `contact.created`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactCreated {
    pub email: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
}

/// `contact.updated`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactUpdated {
    pub changes: ContactChanges,
}

/// What changed on a contact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Change<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<Change<Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<Change<Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Change<Option<String>>>,
}

impl ContactChanges {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.first_name.is_none() && self.last_name.is_none() && self.company.is_none()
    }
}

/// A contact as it was when it joined a deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContactSnapshot {
    pub id: ContactId,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
}
