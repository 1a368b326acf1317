//! What the users commands read from a body (JSON in the API, a form in the console, arguments
//! on the command line turned into the same object): `{username, role, password?}` to add a user,
//! `{role?, password?}` to edit one, `{name?}` to issue a token.

use api::{Fields, Role};
use domain::values::FieldErrors;
use serde_json::{Map, Value};

use super::passwords::check_chosen_password;

/// A user to create; without a password one is generated and shown once.
pub struct NewUser {
    pub username: String,
    pub role: Role,
    pub password: Option<String>,
}

/// A change to a user.
pub struct UserEdit {
    pub role: Option<Role>,
    pub password: Option<String>,
}

fn username(text: &str) -> Result<String, &'static str> {
    let name = text.trim();
    if name.is_empty() || name.contains(':') || name.chars().count() > 100 {
        return Err("must be 1 to 100 characters, without ':'");
    }
    Ok(name.to_owned())
}

fn role(fields: &mut Fields<'_>, required: bool) -> Option<Role> {
    fields.string("role", required, |text| Role::parse(text.trim()).ok_or("must be admin or analyst"))
}

fn password(fields: &mut Fields<'_>) -> Option<String> {
    fields.string("password", false, |text| check_chosen_password(text).map(|()| text.to_owned()))
}

/// `{username, role, password?}`; the role defaults to `analyst`.
pub fn parse_new(map: &Map<String, Value>) -> Result<NewUser, FieldErrors> {
    Fields::parse_object(map, |fields| {
        let username = fields.string("username", true, username);
        let role = role(fields, false).unwrap_or(Role::Analyst);
        let password = password(fields);
        Some(NewUser { username: username?, role, password })
    })
}

/// `{role?, password?}`.
pub fn parse_edit(map: &Map<String, Value>) -> Result<UserEdit, FieldErrors> {
    Fields::parse_object(map, |fields| Some(UserEdit { role: role(fields, false), password: password(fields) }))
}

/// `{name?}`: a token's label (default `api`).
pub fn parse_token(map: &Map<String, Value>) -> Result<String, FieldErrors> {
    Fields::parse_object(map, |fields| {
        let name = fields.optional_text("name", 100).map(|n| n.into_string());
        Some(name.unwrap_or_else(|| "api".to_owned()))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_new_user_needs_a_name_a_known_role_and_a_long_enough_password() {
        let errors = parse_new(&object(json!({ "role": "boss", "password": "short", "x": 1 }))).err().unwrap();
        let errors = serde_json::to_value(errors).unwrap();
        for field in ["username", "role", "password", "x"] {
            assert!(errors[field].is_array(), "{field} in {errors}");
        }
        let user = parse_new(&object(json!({ "username": " ana " }))).ok().unwrap();
        assert_eq!((user.username.as_str(), user.role, user.password), ("ana", Role::Analyst, None));
    }
}
