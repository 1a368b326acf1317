//! Money as Slack messages show it: `15,000.50 EUR`, `1,500 JPY`, `1,234.500 KWD`.
//!
//! The convention: the amount rounded (half away from zero) to the currency's minor units (its
//! ISO 4217 exponent, from `iso_currency`: 2 for EUR, 0 for JPY, 3 for KWD), thousands grouped
//! with commas (`num-format`), the fraction written with every minor digit, or left out when it is
//! zero (a whole `15000` USD reads `15,000 USD`, as in SPEC §7's example), then the ISO code.
//! Codes with no minor units defined (e.g. XAU) keep the amount's own decimals.

use domain::values::{Amount, Currency};
use num_format::{Locale, ToFormattedString};
use rust_decimal::{Decimal, RoundingStrategy};

/// The amount as a Slack line shows it, e.g. `15,000.50 EUR`.
pub fn format(amount: Amount, currency: Currency) -> String {
    let places = minor_units(currency);
    let rounded = match places {
        Some(places) => amount.decimal().round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero),
        None => amount.decimal().normalize(),
    };
    let whole = u64::try_from(rounded.trunc()).unwrap_or(u64::MAX);
    let fraction = fraction_digits(rounded, places);
    let grouped = whole.to_formatted_string(&Locale::en);
    match fraction {
        Some(digits) => format!("{grouped}.{digits} {}", currency.code()),
        None => format!("{grouped} {}", currency.code()),
    }
}

/// The ISO 4217 exponent of the currency, if it defines one.
fn minor_units(currency: Currency) -> Option<u32> {
    iso_currency::Currency::from_code(currency.code()).and_then(|c| c.exponent()).map(u32::from)
}

/// The digits after the point: `places` of them (all the decimal's own when `None`), or `None`
/// when the fraction is zero.
fn fraction_digits(rounded: Decimal, places: Option<u32>) -> Option<String> {
    let fraction = rounded.fract();
    if fraction.is_zero() {
        return None;
    }
    let places = places.unwrap_or(fraction.scale());
    let mut scaled = fraction;
    scaled.rescale(places);
    let digits = scaled.mantissa().unsigned_abs().to_string();
    Some(format!("{digits:0>width$}", width = places as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(amount: &str, code: &str) -> String {
        format(Amount::parse(amount).unwrap(), Currency::parse(code).unwrap())
    }

    #[test]
    fn amounts_show_their_currencys_minor_units_grouped_by_thousands() {
        let table = [
            // given amount, currency → then shown
            ("15000", "USD", "15,000 USD"),
            ("15000.5", "USD", "15,000.50 USD"),
            ("1234567.891", "USD", "1,234,567.89 USD"),
            ("15000.50", "EUR", "15,000.50 EUR"),
            ("0.05", "EUR", "0.05 EUR"),
            ("1500", "JPY", "1,500 JPY"),
            ("1500.4", "JPY", "1,500 JPY"),
            ("1500.5", "JPY", "1,501 JPY"),
            ("1234.5", "KWD", "1,234.500 KWD"),
            ("0.001", "KWD", "0.001 KWD"),
            ("999.995", "GBP", "1,000 GBP"),
            ("1000000.1", "GBP", "1,000,000.10 GBP"),
            ("99999999999999.9999", "USD", "100,000,000,000,000 USD"),
        ];
        for (amount, code, expected) in table {
            assert_eq!(shown(amount, code), expected, "{amount} {code}");
        }
    }

    #[test]
    fn a_code_without_minor_units_keeps_the_amounts_own_decimals() {
        assert_eq!(shown("1234.25", "XAU"), "1,234.25 XAU");
        assert_eq!(shown("12.0", "XAU"), "12 XAU");
    }
}
