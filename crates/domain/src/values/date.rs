use chrono::NaiveDate;

/// The text is not a calendar date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be a date in the form YYYY-MM-DD")]
pub struct InvalidDate;

/// Parses a strict `YYYY-MM-DD` date (no single-digit months or days, no time part).
pub fn parse_date(text: &str) -> Result<NaiveDate, InvalidDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return Err(InvalidDate);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| InvalidDate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_real_dates_in_iso_form() {
        assert!(parse_date("2026-06-30").is_ok());
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-6-30").is_err());
        assert!(parse_date("30/06/2026").is_err());
        assert!(parse_date("2026-06-30T00:00:00Z").is_err());
    }
}
