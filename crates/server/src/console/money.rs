//! Amounts as the board shows them: thousands grouped, cents shown when there are any, and one
//! figure per currency, never a sum across currencies.

use projection::queries::board_currencies::CurrencySum;

/// An exact, non-negative decimal text as people read it: `2500.5` → `2,500.50`, `35900` →
/// `35,900`, `0.125` → `0.125` (a fraction keeps at least two places, and all it has).
pub fn readable(decimal: &str) -> String {
    let (whole, fraction) = decimal.split_once('.').unwrap_or((decimal, ""));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() { grouped } else { format!("{grouped}.{fraction:0<2}") }
}

/// Each currency's sum and weighted sum, joined: (`2,500.50 EUR · 35,900 USD`,
/// `250.05 EUR · 3,590 USD`); `0` for both when there is no deal.
pub fn per_currency(sums: &[CurrencySum]) -> (String, String) {
    if sums.is_empty() {
        return ("0".to_owned(), "0".to_owned());
    }
    let line = |pick: fn(&CurrencySum) -> String| {
        sums.iter().map(|s| format!("{} {}", readable(&pick(s)), s.currency)).collect::<Vec<_>>().join(" · ")
    };
    (line(|s| s.amount_sum.to_string()), line(|s| s.weighted_amount.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_group_thousands_and_show_cents_only_when_there_are_any() {
        assert_eq!(readable("2500.5"), "2,500.50");
        assert_eq!(readable("35900"), "35,900");
        assert_eq!(readable("1234567.125"), "1,234,567.125");
        assert_eq!(readable("100"), "100");
        assert_eq!(readable("0"), "0");
        assert_eq!(readable("999.10"), "999.10");
    }

    #[test]
    fn each_currency_is_summed_apart_and_an_empty_column_says_zero() {
        let eur = CurrencySum {
            currency: "EUR".into(),
            deal_count: 1,
            amount_sum: "2500.5".parse().unwrap(),
            weighted_amount: "250.05".parse().unwrap(),
        };
        let usd = CurrencySum {
            currency: "USD".into(),
            deal_count: 2,
            amount_sum: 35900.into(),
            weighted_amount: 3590.into(),
        };
        let (sum, weighted) = per_currency(&[eur, usd]);
        assert_eq!(sum, "2,500.50 EUR · 35,900 USD");
        assert_eq!(weighted, "250.05 EUR · 3,590 USD");
        assert_eq!(per_currency(&[]), ("0".to_owned(), "0".to_owned()));
    }
}
