//! The board read model: per stage, how many deals and the exact sum of their amounts. Changes
//! are summed in memory over a batch of events and written once per stage at its end.

use std::collections::HashMap;
use std::str::FromStr;

use domain::ids::StageId;
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;

/// Changes to the board not yet written.
#[derive(Default)]
pub struct BoardDelta {
    stages: HashMap<StageId, (i64, Decimal)>,
}

impl BoardDelta {
    /// Adds (or with a negative count, removes) deals and their amount to a stage.
    pub fn add(&mut self, stage: StageId, count: i64, amount: Decimal) {
        let entry = self.stages.entry(stage).or_insert((0, Decimal::ZERO));
        entry.0 += count;
        entry.1 += amount;
    }

    /// Writes the accumulated changes and starts over.
    pub fn flush(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        for (stage, (count, amount)) in self.stages.drain() {
            let current: Option<(i64, String)> = conn
                .prepare_cached("SELECT deal_count, amount_sum FROM rm_board WHERE stage_id = ?1")?
                .query_row([stage.0], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            let (old_count, old_sum) = current.unwrap_or((0, "0".into()));
            let sum = Decimal::from_str(&old_sum).unwrap_or_default() + amount;
            conn.prepare_cached(
                "INSERT OR REPLACE INTO rm_board (stage_id, deal_count, amount_sum) VALUES (?1, ?2, ?3)",
            )?
            .execute((stage.0, old_count + count, sum.normalize().to_string()))?;
        }
        Ok(())
    }
}
