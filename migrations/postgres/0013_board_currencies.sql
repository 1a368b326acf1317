-- Per stage and currency: how many deals and the exact sum of their amounts (decimal text), so
-- that the console's board shows a sum per currency (issue 12): PostgreSQL's dialect of
-- ../0013_board_currencies.sql. What differs: BIGINT for INTEGER, and the backfill's SQL.
-- SQLite's CAST('2500.5' AS INTEGER) reads the leading digits where PostgreSQL refuses the
-- text, so the whole part is split off at the '.'; instr() is strpos(); printf('%04d') is
-- lpad(); and sum() of BIGINT is NUMERIC here, cast back so that / divides whole numbers.
CREATE TABLE rm_board_currencies (
    stage_id   BIGINT  NOT NULL,
    currency   TEXT    NOT NULL,
    deal_count BIGINT  NOT NULL,
    amount_sum TEXT    NOT NULL,   -- exact decimal text
    PRIMARY KEY (stage_id, currency)
);

-- The existing deals, summed exactly from their decimal text: whole parts and ten-thousandths
-- (amounts have at most four decimal places, and are never negative) summed apart.
INSERT INTO rm_board_currencies (stage_id, currency, deal_count, amount_sum)
SELECT stage_id, currency, count(*),
       (sum(whole)::BIGINT + sum(fraction)::BIGINT / 10000)::TEXT || '.'
           || lpad((sum(fraction)::BIGINT % 10000)::TEXT, 4, '0')
FROM (
    SELECT stage_id, currency, coalesce(nullif(split_part(amount, '.', 1), ''), '0')::BIGINT AS whole,
           CASE WHEN strpos(amount, '.') > 0
                THEN substr(substr(amount, strpos(amount, '.') + 1) || '0000', 1, 4)::BIGINT
                ELSE 0 END AS fraction
    FROM rm_deals
) AS parts
GROUP BY stage_id, currency;
