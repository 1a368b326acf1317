use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A money amount: an exact decimal ≥ 0 with at most four decimal places (the most any ISO 4217
/// currency uses). It never passes through binary floating point: JSON numbers are read from and
/// written as their exact text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(Decimal);

/// Why a value is not an amount.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("must be a number")]
    NotANumber,
    #[error("must not be negative")]
    Negative,
    #[error("must have at most {max} decimal places", max = Amount::MAX_SCALE)]
    TooPrecise,
    #[error("must be less than 100,000,000,000,000")]
    TooLarge,
}

impl Amount {
    /// The most decimal places an amount may carry.
    pub const MAX_SCALE: u32 = 4;
    /// Zero.
    pub const ZERO: Amount = Amount(Decimal::ZERO);
    /// Every amount is below this (so that [`Amount::units`] fits in an `i64`).
    const LIMIT: i64 = 100_000_000_000_000;
    /// Units per whole amount in [`Amount::units`].
    const UNITS_PER_WHOLE: i64 = 10_000;

    /// Parses the text of a JSON number (or a numeric string), keeping its scale: `19.90`
    /// stays `19.90`.
    pub fn parse(text: &str) -> Result<Self, AmountError> {
        let text = text.trim();
        let decimal = if text.contains(['e', 'E']) {
            Decimal::from_scientific(text).map_err(|_| AmountError::NotANumber)?
        } else {
            Decimal::from_str_exact(text).map_err(|_| AmountError::NotANumber)?
        };
        Self::from_decimal(decimal)
    }

    /// Reads an amount from a JSON value: a number or a numeric string.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, AmountError> {
        match value {
            serde_json::Value::Number(number) => Self::parse(&number.to_string()),
            serde_json::Value::String(text) if !text.trim().is_empty() => Self::parse(text),
            _ => Err(AmountError::NotANumber),
        }
    }

    /// Checks the bounds of an already exact decimal.
    pub fn from_decimal(decimal: Decimal) -> Result<Self, AmountError> {
        if decimal.is_sign_negative() && !decimal.is_zero() {
            return Err(AmountError::Negative);
        }
        if decimal.normalize().scale() > Self::MAX_SCALE {
            return Err(AmountError::TooPrecise);
        }
        if decimal >= Decimal::from(Self::LIMIT) {
            return Err(AmountError::TooLarge);
        }
        Ok(Self(decimal.abs()))
    }

    /// The exact decimal.
    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// The amount in ten-thousandths, exactly: an integer that orders and sums like the amount
    /// (for SQL ordering and filtering, never for display).
    pub fn units(self) -> i64 {
        let scaled = self.0 * Decimal::from(Self::UNITS_PER_WHOLE);
        i64::try_from(scaled.trunc()).unwrap_or(i64::MAX)
    }

    /// The amount as a JSON number with exactly this text.
    pub fn to_json_number(self) -> serde_json::Number {
        number_from_decimal(self.0)
    }
}

/// A JSON number carrying a decimal's exact text (serde_json's arbitrary precision keeps it).
pub fn number_from_decimal(decimal: Decimal) -> serde_json::Number {
    serde_json::Number::from_str(&decimal.to_string()).unwrap_or_else(|_| serde_json::Number::from(0))
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json_number().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Amount::from_json(&value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_exact_text_of_the_number() {
        let amount: Amount = serde_json::from_str("19.99").unwrap();
        assert_eq!(serde_json::to_string(&amount).unwrap(), "19.99");
        let amount: Amount = serde_json::from_str("15000").unwrap();
        assert_eq!(serde_json::to_string(&amount).unwrap(), "15000");
        let amount: Amount = serde_json::from_str("0.1").unwrap();
        assert_eq!(amount.decimal() + Amount::parse("0.2").unwrap().decimal(), Decimal::from_str("0.3").unwrap());
    }

    #[test]
    fn rejects_bad_amounts() {
        assert_eq!(Amount::parse("-1"), Err(AmountError::Negative));
        assert_eq!(Amount::parse("1.23456"), Err(AmountError::TooPrecise));
        assert_eq!(Amount::parse("abc"), Err(AmountError::NotANumber));
        assert_eq!(Amount::parse("1e20"), Err(AmountError::TooLarge));
        assert_eq!(Amount::from_json(&serde_json::json!(true)), Err(AmountError::NotANumber));
        assert_eq!(Amount::from_json(&serde_json::json!(null)), Err(AmountError::NotANumber));
    }

    #[test]
    fn accepts_numeric_strings_exponents_and_trailing_zeros() {
        assert_eq!(Amount::from_json(&serde_json::json!("12.50")).unwrap().to_string(), "12.50");
        assert_eq!(Amount::parse("1.5e3").unwrap().decimal(), Decimal::from(1500));
        assert_eq!(Amount::parse("1.10000").unwrap().to_string(), "1.10000");
        assert_eq!(Amount::parse("15000").unwrap(), Amount::parse("15000.00").unwrap());
    }

    #[test]
    fn units_are_exact_ten_thousandths_up_to_the_limit() {
        assert_eq!(Amount::parse("19.99").unwrap().units(), 199_900);
        assert_eq!(Amount::parse("0.0001").unwrap().units(), 1);
        assert_eq!(Amount::parse("99999999999999.9999").unwrap().units(), 999_999_999_999_999_999);
        assert_eq!(Amount::parse("100000000000000"), Err(AmountError::TooLarge));
    }
}
