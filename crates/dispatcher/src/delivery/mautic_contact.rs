//! Mautic's contact object, as Mautic's developer documentation describes it for the
//! `mautic.lead_post_save_new` webhook ("Webhook events and payloads"): what the
//! `mautic.lead_post_save_new` / `_update` items carry as `contact`, so that receivers written
//! for Mautic find `contact.id` and `contact.fields.core.email.value` where they look.
//!
//! dealflow's contacts have four of Mautic's default fields (email, first name, last name,
//! company), all in the `core` group with Mautic's default ids and labels; the other groups are
//! empty (Mautic then sends `[]`). What dealflow has no counterpart for takes Mautic's value for
//! "none": `points: 0`, `color`, `owner`, `stage` and `lastActive` null, `ipAddresses`, `tags`,
//! `doNotContact`, `frequencyRules` and `utmtags` empty lists. Dates are ISO 8601 with an offset,
//! as PHP writes them (`2026-03-25T14:30:00+00:00`).

use chrono::{DateTime, SecondsFormat, Utc};
use domain::contact::Contact;
use domain::ids::ContactId;
use domain::{Actor, ActorKind};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

/// A contact in Mautic's shape; `created_by` / `modified_by` are who created it and who caused
/// the event (only users map to Mautic's `createdBy` / `modifiedBy`).
pub fn contact<'a>(contact: &'a Contact, created_by: Option<&'a Actor>, modified_by: &'a Actor) -> MauticContact<'a> {
    let (created_by, created_by_user) = user(created_by);
    let (modified_by, modified_by_user) = user(Some(modified_by));
    MauticContact {
        id: contact.id,
        is_published: true,
        date_added: date(contact.created_at),
        date_modified: date(contact.updated_at),
        date_identified: date(contact.created_at),
        created_by,
        created_by_user,
        modified_by,
        modified_by_user,
        points: 0,
        color: None,
        fields: Fields::of(contact),
        last_active: None,
        owner: None,
        ip_addresses: EmptyList,
        tags: EmptyList,
        do_not_contact: EmptyList,
        frequency_rules: EmptyList,
        utmtags: EmptyList,
        stage: None,
        preferred_profile_image: "gravatar",
    }
}

/// Mautic's contact object (keys in camelCase, as Mautic sends them).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MauticContact<'a> {
    id: ContactId,
    is_published: bool,
    date_added: String,
    date_modified: String,
    date_identified: String,
    created_by: Option<u64>,
    created_by_user: Option<&'a str>,
    modified_by: Option<u64>,
    modified_by_user: Option<&'a str>,
    points: u32,
    color: Option<&'static str>,
    fields: Fields<'a>,
    last_active: Option<String>,
    owner: Option<()>,
    ip_addresses: EmptyList,
    tags: EmptyList,
    do_not_contact: EmptyList,
    frequency_rules: EmptyList,
    utmtags: EmptyList,
    stage: Option<()>,
    preferred_profile_image: &'static str,
}

/// `fields`: the groups, then `all` (alias → value).
#[derive(Serialize)]
struct Fields<'a> {
    core: Core<'a>,
    social: EmptyList,
    personal: EmptyList,
    professional: EmptyList,
    all: All<'a>,
}

/// The `core` group, in Mautic's field order.
#[derive(Serialize)]
struct Core<'a> {
    firstname: Field<'a>,
    lastname: Field<'a>,
    company: Field<'a>,
    email: Field<'a>,
}

/// `fields.all`: the contact's id and each field's value by alias.
#[derive(Serialize)]
struct All<'a> {
    id: ContactId,
    firstname: Option<&'a str>,
    lastname: Option<&'a str>,
    company: Option<&'a str>,
    email: Option<&'a str>,
}

/// One field with its definition (Mautic's defaults) and the contact's value.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Field<'a> {
    id: u32,
    label: &'static str,
    alias: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    group: &'static str,
    object: &'static str,
    #[serde(rename = "is_fixed")]
    is_fixed: &'static str,
    properties: EmptyList,
    value: Option<&'a str>,
    normalized_value: Option<&'a str>,
}

/// Mautic's default definition of a core field: id, label, alias and type.
struct Definition(u32, &'static str, &'static str, &'static str);

const FIRSTNAME: Definition = Definition(2, "First Name", "firstname", "text");
const LASTNAME: Definition = Definition(3, "Last Name", "lastname", "text");
const COMPANY: Definition = Definition(4, "Primary company", "company", "text");
const EMAIL: Definition = Definition(6, "Email", "email", "email");

impl<'a> Fields<'a> {
    fn of(contact: &'a Contact) -> Self {
        let (first, last, company) =
            (contact.first_name.as_deref(), contact.last_name.as_deref(), contact.company.as_deref());
        let email = Some(contact.email.as_str());
        Fields {
            core: Core {
                firstname: field(&FIRSTNAME, first),
                lastname: field(&LASTNAME, last),
                company: field(&COMPANY, company),
                email: field(&EMAIL, email),
            },
            social: EmptyList,
            personal: EmptyList,
            professional: EmptyList,
            all: All { id: contact.id, firstname: first, lastname: last, company, email },
        }
    }
}

fn field<'a>(definition: &Definition, value: Option<&'a str>) -> Field<'a> {
    let Definition(id, label, alias, kind) = *definition;
    Field {
        id,
        label,
        alias,
        kind,
        group: "core",
        object: "lead",
        is_fixed: "1",
        properties: EmptyList,
        value,
        normalized_value: value,
    }
}

/// Mautic's user id and name for an actor that is a user; null for sources and dealflow itself.
fn user(actor: Option<&Actor>) -> (Option<u64>, Option<&str>) {
    match actor {
        Some(actor) if actor.kind == ActorKind::User => (actor.id, Some(actor.name.as_str())),
        _ => (None, None),
    }
}

fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// An empty list, written `[]` (PHP's empty array, which Mautic sends for empty groups and lists).
struct EmptyList;

impl Serialize for EmptyList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_seq(Some(0))?.end()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::{Value, json};

    use super::*;

    fn jane() -> Contact {
        let at = Utc.with_ymd_and_hms(2026, 3, 25, 14, 30, 0).unwrap();
        Contact {
            id: ContactId(7),
            email: "jane@acme.example".into(),
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            company: None,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    fn sarah() -> Actor {
        Actor { id: Some(3), name: "Sarah Johnson".into(), kind: ActorKind::User }
    }

    fn shaped(contact: &Contact, created_by: Option<&Actor>, modified_by: &Actor) -> Value {
        serde_json::to_value(super::contact(contact, created_by, modified_by)).unwrap()
    }

    #[test]
    fn the_documented_paths_hold_the_contacts_values() {
        let (contact, user) = (jane(), sarah());
        let shaped = shaped(&contact, Some(&user), &user);
        assert_eq!(shaped["id"], 7);
        assert_eq!(shaped["fields"]["core"]["email"]["value"], "jane@acme.example");
        assert_eq!(shaped["fields"]["core"]["firstname"]["value"], "Jane");
        assert_eq!(shaped["fields"]["core"]["lastname"]["normalizedValue"], "Doe");
        assert_eq!(shaped["fields"]["core"]["company"]["value"], Value::Null);
        assert_eq!(
            shaped["fields"]["all"],
            json!({ "id": 7, "firstname": "Jane", "lastname": "Doe", "company": null, "email": "jane@acme.example" })
        );
    }

    #[test]
    fn every_documented_key_is_there_with_mauticss_type() {
        let (contact, user) = (jane(), sarah());
        let shaped = shaped(&contact, Some(&user), &user);
        let keys: Vec<&str> = shaped.as_object().unwrap().keys().map(String::as_str).collect();
        for key in [
            "id",
            "isPublished",
            "dateAdded",
            "dateModified",
            "dateIdentified",
            "createdBy",
            "createdByUser",
            "modifiedBy",
            "modifiedByUser",
            "points",
            "color",
            "owner",
            "ipAddresses",
            "tags",
            "doNotContact",
            "utmtags",
            "stage",
            "lastActive",
            "preferredProfileImage",
            "fields",
        ] {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        assert_eq!(shaped["isPublished"], true);
        assert_eq!(shaped["dateAdded"], "2026-03-25T14:30:00+00:00");
        assert_eq!((shaped["createdBy"].clone(), shaped["createdByUser"].clone()), (json!(3), json!("Sarah Johnson")));
        assert_eq!(
            (shaped["owner"].clone(), shaped["ipAddresses"].clone(), shaped["tags"].clone()),
            (json!(null), json!([]), json!([]))
        );
        assert_eq!(shaped["fields"]["social"], json!([]));
        assert_eq!(
            shaped["fields"]["core"]["email"],
            json!({ "id": 6, "label": "Email", "alias": "email", "type": "email", "group": "core", "object": "lead",
                    "is_fixed": "1", "properties": [], "value": "jane@acme.example", "normalizedValue": "jane@acme.example" })
        );
    }

    #[test]
    fn only_users_are_mautic_users() {
        let source = Actor { id: Some(2), name: "Typeform".into(), kind: ActorKind::Source };
        let shaped = shaped(&jane(), Some(&source), &sarah());
        assert_eq!((shaped["createdBy"].clone(), shaped["createdByUser"].clone()), (json!(null), json!(null)));
        assert_eq!(shaped["modifiedBy"], 3);
    }
}
