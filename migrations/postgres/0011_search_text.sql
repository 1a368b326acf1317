-- Searches of deals and contacts match a lower-cased copy of the searched text with instr()
-- (issue 12): PostgreSQL's dialect of ../0011_search_text.sql. What differs: SQLite cannot add a
-- STORED generated column by ALTER TABLE and rebuilds both read models for it; PostgreSQL adds
-- it in place, as the last column as there, keeping the rows and the indexes (rm_deals_by_source
-- and rm_deals_by_stage_updated, which SQLite's rebuild recreates under the same names).
-- char(31) is chr(31). lower() folds ASCII only in SQLite, as the search needle is folded
-- (`to_ascii_lowercase`); under the "C" collation PostgreSQL's lower() folds ASCII only too,
-- where the database's own locale would fold 'É' and miss a needle that kept it.
-- The unit separator (chr 31) keeps a search from matching across two fields.
ALTER TABLE rm_contacts ADD COLUMN search_text TEXT GENERATED ALWAYS AS (lower(
    (email || chr(31) || coalesce(first_name, '') || ' ' || coalesce(last_name, '') || chr(31)
        || coalesce(company, '')) COLLATE "C")) STORED;

ALTER TABLE rm_deals ADD COLUMN search_text TEXT GENERATED ALWAYS AS (lower(title COLLATE "C")) STORED;

-- SQLite's instr(haystack, needle): the 1-based place of the first needle, 0 when absent, NULL
-- for a NULL argument; so that `instr(search_text, ?) > 0` serves both dialects.
CREATE FUNCTION instr(haystack TEXT, needle TEXT) RETURNS INTEGER
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT strpos(haystack, needle) $$;
