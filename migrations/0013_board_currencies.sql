-- Per stage and currency: how many deals and the exact sum of their amounts (decimal text), so
-- that the console's board shows a sum per currency instead of adding EUR to USD (issue 12),
-- without reading the deals: a column is one indexed lookup per currency. rm_board keeps the
-- all-currency figures of GET /api/pipelines/{id}/board. The projector keeps both.
CREATE TABLE rm_board_currencies (
    stage_id   INTEGER NOT NULL,
    currency   TEXT    NOT NULL,
    deal_count INTEGER NOT NULL,
    amount_sum TEXT    NOT NULL,   -- exact decimal text
    PRIMARY KEY (stage_id, currency)
) STRICT;

-- The existing deals, summed exactly from their decimal text: whole parts and ten-thousandths
-- (amounts have at most four decimal places, and are never negative) summed apart.
INSERT INTO rm_board_currencies (stage_id, currency, deal_count, amount_sum)
SELECT stage_id, currency, count(*),
       (sum(whole) + sum(fraction) / 10000) || '.' || printf('%04d', sum(fraction) % 10000)
FROM (
    SELECT stage_id, currency, CAST(amount AS INTEGER) AS whole,
           CASE WHEN instr(amount, '.') > 0
                THEN CAST(substr(substr(amount, instr(amount, '.') + 1) || '0000', 1, 4) AS INTEGER)
                ELSE 0 END AS fraction
    FROM rm_deals
)
GROUP BY stage_id, currency;
