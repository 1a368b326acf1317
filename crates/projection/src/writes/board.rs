//! Changes summed in memory over a batch of events and written once at its end: the board (per
//! stage, and per stage and currency, how many deals and the exact sum of their amounts) and
//! each deal's latest version.

use std::collections::HashMap;
use std::str::FromStr;

use domain::ids::StageId;
use eventlog::sql::{Db, Optional};
use rust_decimal::Decimal;

/// Changes to the board and deal versions not yet written.
#[derive(Default)]
pub struct BoardDelta {
    stages: HashMap<StageId, (i64, Decimal)>,
    currencies: HashMap<(StageId, String), (i64, Decimal)>,
    touched: HashMap<u64, (u64, i64)>,
}

impl BoardDelta {
    /// Records that a deal reached `version` at `at` (its `updated_at`); written once per deal.
    pub fn touch(&mut self, deal: domain::ids::DealId, version: u64, at: i64) {
        self.touched.insert(deal.0, (version, at));
    }

    /// Adds (or with a negative count, removes) deals and their amount, in `currency`, to a stage.
    pub fn add(&mut self, stage: StageId, currency: &str, count: i64, amount: Decimal) {
        let entry = self.stages.entry(stage).or_insert((0, Decimal::ZERO));
        entry.0 += count;
        entry.1 += amount;
        self.add_in_currency(stage, currency, count, amount);
    }

    /// Adds deals and their amount to a stage's figures in `currency` only (a deal whose currency
    /// changed moves from one currency to the other; the stage's own figures stay).
    pub fn add_in_currency(&mut self, stage: StageId, currency: &str, count: i64, amount: Decimal) {
        let entry = self.currencies.entry((stage, currency.to_owned())).or_insert((0, Decimal::ZERO));
        entry.0 += count;
        entry.1 += amount;
    }

    /// Writes the accumulated changes and starts over.
    pub fn flush(&mut self, conn: &Db<'_>) -> eventlog::sql::Result<()> {
        for (deal, (version, at)) in self.touched.drain() {
            conn.prepare_cached("UPDATE rm_deals SET updated_at = ?2, version = ?3 WHERE id = ?1")?
                .execute((deal, at, version))?;
        }
        for (stage, (count, amount)) in self.stages.drain() {
            let current: Option<(i64, String)> = conn
                .prepare_cached("SELECT deal_count, amount_sum FROM rm_board WHERE stage_id = ?1")?
                .query_row([stage.0], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            let (old_count, old_sum) = current.unwrap_or((0, "0".into()));
            let sum = Decimal::from_str(&old_sum).unwrap_or_default() + amount;
            conn.prepare_cached(
                "INSERT INTO rm_board (stage_id, deal_count, amount_sum) VALUES (?1, ?2, ?3)
                 ON CONFLICT (stage_id) DO UPDATE SET deal_count = excluded.deal_count, amount_sum = excluded.amount_sum",
            )?
            .execute((stage.0, old_count + count, sum.normalize().to_string()))?;
        }
        for ((stage, currency), (count, amount)) in self.currencies.drain() {
            let current: Option<(i64, String)> = conn
                .prepare_cached(
                    "SELECT deal_count, amount_sum FROM rm_board_currencies WHERE stage_id = ?1 AND currency = ?2",
                )?
                .query_row((stage.0, &currency), |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            let (old_count, old_sum) = current.unwrap_or((0, "0".into()));
            let sum = Decimal::from_str(&old_sum).unwrap_or_default() + amount;
            conn.prepare_cached(
                "INSERT INTO rm_board_currencies (stage_id, currency, deal_count, amount_sum)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (stage_id, currency) DO UPDATE SET deal_count = excluded.deal_count, amount_sum = excluded.amount_sum",
            )?
            .execute((stage.0, &currency, old_count + count, sum.normalize().to_string()))?;
        }
        Ok(())
    }
}
