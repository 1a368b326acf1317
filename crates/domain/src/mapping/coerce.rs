//! Coercions that run before validation: forms send numbers and dates as strings, Stripe sends
//! amounts in minor units, senders write currencies in lower case. A value that cannot be
//! coerced is passed on as extracted, so the payload's validation reports it with its usual
//! message; only what validation could not catch (a minor-unit amount without a currency)
//! leaves the field absent with a note.

use chrono::{DateTime, NaiveDate};
use rust_decimal::Decimal;
use serde_json::Value;

use super::settings::{DecimalSeparator, Settings};
use super::target::Kind;
use crate::values::number_from_decimal;

/// Coerces one extracted value for a target of `kind`. `currency` is the payload's mapped
/// currency, needed for amounts in minor units. `Err` is a note; the field stays absent.
pub fn coerce(kind: Kind, raw: Value, settings: &Settings, currency: Option<&str>) -> Result<Value, String> {
    match kind {
        Kind::Amount => amount(raw, settings, currency),
        Kind::Date => Ok(date(raw, settings.date_format.as_deref())),
        Kind::Currency => Ok(match raw {
            Value::String(code) => Value::String(code.trim().to_ascii_uppercase()),
            other => other,
        }),
        Kind::Text => Ok(text(raw)),
        Kind::AsIs => Ok(join_scalars(raw)),
    }
}

fn amount(raw: Value, settings: &Settings, currency: Option<&str>) -> Result<Value, String> {
    let decimal = match &raw {
        Value::Number(number) => decimal_from_text(&number.to_string()),
        Value::String(text) => localized_decimal(text, settings.decimal_separator),
        _ => None,
    };
    let Some(decimal) = decimal else { return Ok(raw) };
    let decimal = if settings.amount_minor_units { from_minor_units(decimal, currency)? } else { decimal };
    Ok(Value::Number(number_from_decimal(decimal)))
}

fn decimal_from_text(text: &str) -> Option<Decimal> {
    if text.contains(['e', 'E']) {
        return Decimal::from_scientific(text).ok();
    }
    Decimal::from_str_exact(text).ok()
}

/// Reads `15000`, `15000.50`, `15,000.00` (separator `.`) or `15.000,50` (separator `,`).
/// Grouping must be regular (groups of three after the first), so `15,5` with separator `.`
/// is refused rather than read as 155.
pub fn localized_decimal(text: &str, separator: DecimalSeparator) -> Option<Decimal> {
    let (decimal_mark, group_mark) = separator.marks();
    let text = text.trim();
    let (sign, unsigned) = text.strip_prefix('-').map_or(("", text), |rest| ("-", rest));
    let (integer, fraction) = match unsigned.split_once(decimal_mark) {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = ungrouped(integer, group_mark)?;
    let exact = match fraction {
        Some(fraction) if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) => return None,
        Some(fraction) => format!("{sign}{digits}.{fraction}"),
        None => format!("{sign}{digits}"),
    };
    Decimal::from_str_exact(&exact).ok()
}

fn ungrouped(integer: &str, group_mark: char) -> Option<String> {
    let groups: Vec<&str> = integer.split(group_mark).collect();
    let all_digits = |group: &str| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit());
    if !groups.iter().all(|group| all_digits(group)) {
        return None;
    }
    let regular = groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|group| group.len() == 3));
    regular.then(|| groups.concat())
}

/// `1500050` cents of EUR (exponent 2) is `15000.50`; the exponent is ISO 4217's.
fn from_minor_units(decimal: Decimal, currency: Option<&str>) -> Result<Decimal, String> {
    let code = currency.ok_or("an amount in minor units needs a currency; map `currency` too")?;
    let exponent = iso_currency::Currency::from_code(code)
        .and_then(|currency| currency.exponent())
        .ok_or_else(|| format!("{code} has no minor unit, so an amount in minor units cannot be read"))?;
    let whole = decimal.normalize();
    if whole.scale() != 0 {
        return Err(format!("{decimal} is not a whole number of minor units"));
    }
    Decimal::try_from_i128_with_scale(whole.mantissa(), u32::from(exponent))
        .map_err(|_| format!("{decimal} minor units is out of range"))
}

/// `2026-06-30`, an RFC 3339 date-time (its date as written, in its own offset), or the
/// source's `date_format`.
fn date(raw: Value, date_format: Option<&str>) -> Value {
    let Value::String(text) = &raw else { return raw };
    let text = text.trim();
    let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| DateTime::parse_from_rfc3339(text).ok().map(|at| at.date_naive()))
        .or_else(|| date_format.and_then(|format| NaiveDate::parse_from_str(text, format).ok()));
    match parsed {
        Some(date) => Value::String(date.format("%Y-%m-%d").to_string()),
        None => raw,
    }
}

fn text(raw: Value) -> Value {
    match raw {
        Value::Number(number) => Value::String(number.to_string()),
        Value::Bool(flag) => Value::String(flag.to_string()),
        other => join_scalars(other),
    }
}

/// A multiple-choice answer (`["Pro", "Support"]`) becomes `"Pro, Support"`; other arrays and
/// objects stay as they are, for validation to report.
fn join_scalars(raw: Value) -> Value {
    let Value::Array(items) = &raw else { return raw };
    let texts: Option<Vec<String>> = items.iter().map(scalar_text).collect();
    texts.map_or(raw, |texts| Value::String(texts.join(", ")))
}

/// A scalar as text (strings without quotes); `None` for null, arrays and objects.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn settings(separator: DecimalSeparator, date_format: Option<&str>, minor_units: bool) -> Settings {
        Settings {
            decimal_separator: separator,
            date_format: date_format.map(str::to_owned),
            amount_minor_units: minor_units,
        }
    }

    /// A JSON number as its exact text (as bodies arrive), not through `f64`.
    fn number(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    fn amount_text(raw: Value, settings: &Settings, currency: Option<&str>) -> String {
        match coerce(Kind::Amount, raw, settings, currency) {
            Ok(value) => value.to_string(),
            Err(note) => format!("note: {note}"),
        }
    }

    #[test]
    fn numeric_strings_become_exact_numbers_by_the_decimal_separator() {
        let point = settings(DecimalSeparator::Point, None, false);
        let comma = settings(DecimalSeparator::Comma, None, false);
        let table = [
            (json!("15000"), &point, "15000"),
            (json!("15000.50"), &point, "15000.50"),
            (json!(" 15,000.00 "), &point, "15000.00"),
            (json!("1,234,567.8"), &point, "1234567.8"),
            (json!("15.000,50"), &comma, "15000.50"),
            (json!("15000,5"), &comma, "15000.5"),
            (json!("-3"), &point, "-3"),
            (number("19.90"), &point, "19.90"),
            (number("2e3"), &point, "2000"),
            // Irregular grouping is not guessed at: validation reports the text.
            (json!("15,5"), &point, "\"15,5\""),
            (json!("15.000,50"), &point, "\"15.000,50\""),
            (json!("1,2345.00"), &point, "\"1,2345.00\""),
            (json!("15000."), &point, "\"15000.\""),
            (json!("about 500"), &point, "\"about 500\""),
            (json!(true), &point, "true"),
        ];
        for (raw, settings, expected) in table {
            assert_eq!(amount_text(raw.clone(), settings, None), expected, "{raw}");
        }
    }

    #[test]
    fn minor_units_are_divided_by_the_currency_exponent() {
        let minor = settings(DecimalSeparator::Point, None, true);
        let table = [
            (json!(1500050), Some("EUR"), "15000.50"),
            (json!("1500050"), Some("EUR"), "15000.50"),
            (json!(5000), Some("JPY"), "5000"),
            (json!(12345), Some("KWD"), "12.345"),
            (json!(0), Some("USD"), "0.00"),
            (json!(1500050), None, "note: an amount in minor units needs a currency; map `currency` too"),
            (json!(10.5), Some("EUR"), "note: 10.5 is not a whole number of minor units"),
            (json!(100), Some("XXX"), "note: XXX has no minor unit, so an amount in minor units cannot be read"),
        ];
        for (raw, currency, expected) in table {
            assert_eq!(amount_text(raw.clone(), &minor, currency), expected, "{raw} {currency:?}");
        }
    }

    #[test]
    fn dates_in_common_forms_become_iso_dates() {
        let us = settings(DecimalSeparator::Point, Some("%m/%d/%Y"), false);
        let plain = Settings::default();
        let table = [
            (json!("2026-06-30"), &plain, json!("2026-06-30")),
            (json!("2026-06-30T23:30:00-05:00"), &plain, json!("2026-06-30")),
            (json!("2026-06-30T09:00:00.000000Z"), &plain, json!("2026-06-30")),
            (json!("06/30/2026"), &us, json!("2026-06-30")),
            (json!("06/30/2026"), &plain, json!("06/30/2026")),
            (json!("30.06.2026"), &us, json!("30.06.2026")),
            (json!(20260630), &plain, json!(20260630)),
        ];
        for (raw, settings, expected) in table {
            assert_eq!(coerce(Kind::Date, raw.clone(), settings, None), Ok(expected), "{raw}");
        }
    }

    #[test]
    fn currencies_are_upper_cased_and_text_fields_read_scalars_as_text() {
        let plain = Settings::default();
        assert_eq!(coerce(Kind::Currency, json!(" eur"), &plain, None), Ok(json!("EUR")));
        assert_eq!(coerce(Kind::Text, json!(820982911946154508_u64), &plain, None), Ok(json!("820982911946154508")));
        assert_eq!(coerce(Kind::Text, json!(false), &plain, None), Ok(json!("false")));
        assert_eq!(coerce(Kind::Text, json!(["Pro", "Support"]), &plain, None), Ok(json!("Pro, Support")));
        assert_eq!(coerce(Kind::AsIs, json!(["a", 1]), &plain, None), Ok(json!("a, 1")));
        assert_eq!(coerce(Kind::AsIs, json!({"a": 1}), &plain, None), Ok(json!({"a": 1})));
        assert_eq!(coerce(Kind::AsIs, json!(7), &plain, None), Ok(json!(7)));
    }
}
