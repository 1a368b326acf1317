use std::fmt;

use serde::{Deserialize, Serialize};

/// A deal title: 1–255 characters once trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Title(String);

/// Why a text is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
}

impl Title {
    /// The longest title, in characters.
    pub const MAX_CHARS: usize = 255;

    /// Parses a title.
    pub fn parse(text: &str) -> Result<Self, TextError> {
        BoundedText::parse(text, Self::MAX_CHARS).map(|t| Self(t.0))
    }

    /// The title as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Unwraps the text.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A trimmed, non-empty text of at most a given number of characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundedText(String);

impl BoundedText {
    /// Trims the text and checks that it holds 1..=`max_chars` characters.
    pub fn parse(text: &str, max_chars: usize) -> Result<Self, TextError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(TextError::Empty);
        }
        if trimmed.chars().count() > max_chars {
            return Err(TextError::TooLong(max_chars));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// Like [`BoundedText::parse`], but an empty text means "none".
    pub fn parse_optional(text: &str, max_chars: usize) -> Result<Option<String>, TextError> {
        match Self::parse(text, max_chars) {
            Ok(text) => Ok(Some(text.0)),
            Err(TextError::Empty) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Unwraps the text.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded_in_characters() {
        assert_eq!(Title::parse("  Acme  ").unwrap().as_str(), "Acme");
        assert_eq!(Title::parse("   "), Err(TextError::Empty));
        assert!(Title::parse(&"é".repeat(255)).is_ok());
        assert_eq!(Title::parse(&"é".repeat(256)), Err(TextError::TooLong(255)));
    }
}
