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
