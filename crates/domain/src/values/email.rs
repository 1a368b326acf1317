use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An email address, stored as given (trimmed) and compared case-insensitively through
/// [`Email::key`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a text is not an email address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be a valid email address such as jane@example.com")]
pub struct InvalidEmail;

impl Email {
    /// Parses an address of the usual `local@domain.tld` form.
    pub fn parse(text: &str) -> Result<Self, InvalidEmail> {
        let text = text.trim();
        let (local, domain) = text.rsplit_once('@').ok_or(InvalidEmail)?;
        if text.len() > 254 || !valid_local_part(local) || !valid_domain(domain) {
            return Err(InvalidEmail);
        }
        Ok(Self(text.to_owned()))
    }

    /// The address as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of the address.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

fn valid_local_part(local: &str) -> bool {
    let allowed = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    (1..=64).contains(&local.len())
        && local.chars().all(allowed)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let valid_label = |label: &&str| {
        (1..=63).contains(&label.len())
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let top_level_ok = labels.last().is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    domain.len() <= 253 && labels.len() >= 2 && labels.iter().all(valid_label) && top_level_ok
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Email::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_keeps_their_case() {
        let email = Email::parse(" Jane.Doe+deals@Acme.co.uk ").unwrap();
        assert_eq!(email.as_str(), "Jane.Doe+deals@Acme.co.uk");
        assert_eq!(email.key(), "jane.doe+deals@acme.co.uk");
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "jane",
            "jane@",
            "@acme.com",
            "jane@acme",
            "ja ne@acme.com",
            "jane@@acme.com",
            "jane@acme..com",
            ".jane@acme.com",
            "jane@-acme.com",
            "jane@acme.c",
            "jane@1.2.3.4",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
