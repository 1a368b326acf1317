-- The board's columns show each stage's most recently updated deals first (20 of them): with
-- `updated_at` in the stage index, a column reads its 20 cards in index order instead of sorting
-- every deal of the stage (issue 12). PostgreSQL's dialect of ../0010_board_cards_index.sql,
-- the same statements. It replaces the (pipeline_id, stage_id) index, which it covers.
DROP INDEX rm_deals_by_pipeline;
CREATE INDEX rm_deals_by_stage_updated ON rm_deals (pipeline_id, stage_id, updated_at);
