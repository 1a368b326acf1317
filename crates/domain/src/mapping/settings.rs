//! Mapping-wide options that steer coercion: how the sender writes numbers and dates, and
//! whether amounts arrive in minor units.

use chrono::format::{Item, StrftimeItems};
use serde::{Deserialize, Serialize};

/// The character between whole and fractional part in numeric strings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DecimalSeparator {
    /// `15,000.50`: `.` separates the fraction, `,` groups thousands.
    #[default]
    #[serde(rename = ".")]
    Point,
    /// `15.000,50`: `,` separates the fraction, `.` groups thousands.
    #[serde(rename = ",")]
    Comma,
}

impl DecimalSeparator {
    /// The decimal mark and the thousands mark.
    pub fn marks(self) -> (char, char) {
        match self {
            Self::Point => ('.', ','),
            Self::Comma => (',', '.'),
        }
    }
}

/// Coercion options of one mapping, read from the mapping's top level.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// How numeric strings separate the fraction (default `.`).
    pub decimal_separator: DecimalSeparator,
    /// A chrono format (`%m/%d/%Y`) tried after `YYYY-MM-DD` and RFC 3339 for `close_date`.
    pub date_format: Option<String>,
    /// The amount is a whole number of the currency's minor units (Stripe's `amount_total`):
    /// it is divided by 10^exponent of the mapped currency (ISO 4217; 2 for EUR, 0 for JPY).
    pub amount_minor_units: bool,
}

/// The `date_format` is not a chrono format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("is not a chrono date format; write it like %m/%d/%Y or %d.%m.%Y")]
pub struct InvalidDateFormat;

/// Checks a chrono format string once, when the mapping is parsed.
pub fn check_date_format(format: &str) -> Result<(), InvalidDateFormat> {
    let broken = StrftimeItems::new(format).any(|item| matches!(item, Item::Error));
    if broken || format.trim().is_empty() { Err(InvalidDateFormat) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats_are_checked_when_the_mapping_is_parsed() {
        assert_eq!(check_date_format("%m/%d/%Y"), Ok(()));
        assert_eq!(check_date_format("%d.%m.%Y"), Ok(()));
        assert_eq!(check_date_format("%Q/%d"), Err(InvalidDateFormat));
        assert_eq!(check_date_format(" "), Err(InvalidDateFormat));
    }
}
