//! Calendar dates as every input gives them (deal close dates, task due dates, inbound payloads,
//! query filters): strict `YYYY-MM-DD`, a day that exists, from 1900 on.

use chrono::{Datelike, NaiveDate};

/// The first year a date may fall in: earlier years are typing slips (`0026`, `1026`), not deals.
pub const FIRST_YEAR: i32 = 1900;

/// Why a text is not an acceptable date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidDate {
    /// Not in the form `YYYY-MM-DD`.
    #[error("must be a date in the form YYYY-MM-DD")]
    Format,
    /// Well formed, but no such day in the calendar (`2026-02-30`, `2026-13-01`).
    #[error("{text} is a date that does not exist ({reason}); check the day and the month")]
    DoesNotExist { text: String, reason: String },
    /// A real day before 1900-01-01.
    #[error("{text} is before {FIRST_YEAR}-01-01; give a year from {FIRST_YEAR} on")]
    TooEarly { text: String },
}

/// Parses a strict `YYYY-MM-DD` date (no single-digit months or days, no time part) of a day
/// that exists, from 1900-01-01 on.
pub fn parse_date(text: &str) -> Result<NaiveDate, InvalidDate> {
    let (year, month, day) = split(text).ok_or(InvalidDate::Format)?;
    let date = NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| InvalidDate::DoesNotExist { text: text.to_owned(), reason: why_missing(year, month) })?;
    if date.year() < FIRST_YEAR {
        return Err(InvalidDate::TooEarly { text: text.to_owned() });
    }
    Ok(date)
}

/// Year, month and day of a text shaped `DDDD-DD-DD`.
fn split(text: &str) -> Option<(i32, u32, u32)> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    Some((text[0..4].parse().ok()?, text[5..7].parse().ok()?, text[8..10].parse().ok()?))
}

/// Says which part of a well-formed date is out of the calendar.
fn why_missing(year: i32, month: u32) -> String {
    match days_in_month(year, month) {
        None => format!("there is no month {month:02}"),
        Some(days) => {
            let name = NaiveDate::from_ymd_opt(year, month, 1).map(|d| d.format("%B %Y").to_string());
            format!("{} has {days} days", name.unwrap_or_default())
        }
    }
}

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { first.with_month(month + 1) }?;
    u32::try_from((next - first).num_days()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(text: &str) -> Result<String, String> {
        parse_date(text).map(|d| d.to_string()).map_err(|e| e.to_string())
    }

    #[test]
    fn real_days_from_1900_on_are_dates() {
        for text in ["2026-06-30", "2024-02-29", "1900-01-01", "2000-02-29", "9999-12-31", "2026-12-31"] {
            assert_eq!(outcome(text), Ok(text.to_owned()), "{text}");
        }
    }

    #[test]
    fn days_the_calendar_does_not_have_are_called_dates_that_do_not_exist() {
        let table = [
            ("2026-02-30", "2026-02-30 is a date that does not exist (February 2026 has 28 days)"),
            ("2026-02-29", "2026-02-29 is a date that does not exist (February 2026 has 28 days)"),
            ("1900-02-29", "1900-02-29 is a date that does not exist (February 1900 has 28 days)"),
            ("2026-04-31", "2026-04-31 is a date that does not exist (April 2026 has 30 days)"),
            ("2026-01-00", "2026-01-00 is a date that does not exist (January 2026 has 31 days)"),
            ("2026-13-01", "2026-13-01 is a date that does not exist (there is no month 13)"),
            ("2026-00-10", "2026-00-10 is a date that does not exist (there is no month 00)"),
        ];
        for (text, message) in table {
            assert_eq!(outcome(text), Err(format!("{message}; check the day and the month")), "{text}");
            assert!(matches!(parse_date(text), Err(InvalidDate::DoesNotExist { .. })), "{text}");
        }
    }

    #[test]
    fn years_before_1900_are_refused() {
        for text in ["1899-12-31", "0026-06-30", "0000-01-01", "1026-06-30"] {
            assert_eq!(parse_date(text), Err(InvalidDate::TooEarly { text: text.to_owned() }), "{text}");
        }
        assert_eq!(outcome("1899-12-31"), Err("1899-12-31 is before 1900-01-01; give a year from 1900 on".to_owned()));
    }

    #[test]
    fn anything_but_yyyy_mm_dd_is_a_format_error() {
        for text in [
            "",
            "2026-6-30",
            "30/06/2026",
            "2026-06-30T00:00:00Z",
            "2026/06/30",
            " 2026-06-30",
            "2026-06-3x",
            "+2026-06-30",
            "2026-06-30 ",
            "２０２６-06-30",
            "tomorrow",
            "20260630",
        ] {
            assert_eq!(parse_date(text), Err(InvalidDate::Format), "{text:?}");
        }
    }
}
