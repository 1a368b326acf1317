//! A board column's figures per currency (`rm_board_currencies`, kept by the projector): how
//! many deals in each currency, their amounts' exact sum, and that sum weighted by the stage's
//! probability. One indexed lookup per stage; no deal is read.

use std::str::FromStr;

use domain::ids::StageId;
use eventlog::sql::Db;
use rust_decimal::Decimal;

/// A stage's deals in one currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrencySum {
    /// ISO 4217 code (`EUR`).
    pub currency: String,
    pub deal_count: u64,
    /// The exact sum of the amounts, normalized (`2500.5`).
    pub amount_sum: Decimal,
    /// `amount_sum` × probability / 100, exact.
    pub weighted_amount: Decimal,
}

/// The stage's deals per currency, by currency code; currencies without deals left out.
pub fn of_stage(conn: &Db<'_>, stage: StageId, probability: u8) -> eventlog::sql::Result<Vec<CurrencySum>> {
    let mut statement = conn.prepare_cached(
        "SELECT currency, deal_count, amount_sum FROM rm_board_currencies
         WHERE stage_id = ?1 AND deal_count > 0 ORDER BY currency",
    )?;
    let rows = statement.query_map([stage.0], |row| {
        let (currency, deal_count, sum): (String, u64, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let amount_sum = Decimal::from_str(&sum).unwrap_or_default().normalize();
        let weighted_amount = (amount_sum * Decimal::from(probability) / Decimal::from(100)).normalize();
        Ok(CurrencySum { currency, deal_count, amount_sum, weighted_amount })
    })?;
    rows.collect()
}

/// Several stages' figures added up per currency, by currency code (a pipeline's totals).
pub fn total(stages: &[Vec<CurrencySum>]) -> Vec<CurrencySum> {
    let mut totals: Vec<CurrencySum> = Vec::new();
    for sum in stages.iter().flatten() {
        match totals.iter_mut().find(|t| t.currency == sum.currency) {
            Some(t) => {
                t.deal_count += sum.deal_count;
                t.amount_sum += sum.amount_sum;
                t.weighted_amount += sum.weighted_amount;
            }
            None => totals.push(sum.clone()),
        }
    }
    totals.sort_by(|a, b| a.currency.cmp(&b.currency));
    for t in &mut totals {
        (t.amount_sum, t.weighted_amount) = (t.amount_sum.normalize(), t.weighted_amount.normalize());
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(currency: &str, count: u64, amount: &str, weighted: &str) -> CurrencySum {
        let (amount_sum, weighted_amount) = (amount.parse().unwrap(), weighted.parse().unwrap());
        CurrencySum { currency: currency.into(), deal_count: count, amount_sum, weighted_amount }
    }

    #[test]
    fn the_migration_sums_the_existing_deals_exactly_per_stage_and_currency() {
        let conn = Db::sqlite_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE rm_deals (stage_id INTEGER, currency TEXT, amount TEXT);
             INSERT INTO rm_deals VALUES (1, 'EUR', '2500.5'), (1, 'EUR', '0.0001'), (1, 'USD', '35000'),
                 (1, 'USD', '900.9999'), (2, 'USD', '0.5'), (2, 'USD', '0.5');",
        )
        .unwrap();
        conn.execute_batch(include_str!("../../../../migrations/0013_board_currencies.sql")).unwrap();
        let lead = of_stage(&conn, StageId(1), 10).unwrap();
        assert_eq!(lead, [sum("EUR", 2, "2500.5001", "250.05001"), sum("USD", 2, "35900.9999", "3590.09999")]);
        assert_eq!(of_stage(&conn, StageId(2), 100).unwrap(), [sum("USD", 2, "1", "1")]);
        assert_eq!(of_stage(&conn, StageId(3), 50).unwrap(), []);
    }

    #[test]
    fn a_pipelines_totals_add_each_currency_apart_by_code() {
        let lead = vec![sum("EUR", 1, "2500.5", "250.05"), sum("USD", 2, "900", "90")];
        let won = vec![sum("USD", 1, "35000", "35000")];
        let totals = total(&[lead, won]);
        assert_eq!(totals, [sum("EUR", 1, "2500.5", "250.05"), sum("USD", 3, "35900", "35090")]);
    }
}
