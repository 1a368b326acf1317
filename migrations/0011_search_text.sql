-- Searches of deals and contacts match a lower-cased copy of the searched text with instr()
-- rather than up to five LIKE '%…%' per row: LIKE folds case character by character, and a
-- search scanned all 100,000 rows at 60–90 ms (issue 12: pages under 50 ms). The copy is a
-- STORED generated column, so SQLite keeps it with each insert and update and no write path
-- has to know about it; lower() folds ASCII only, as LIKE does. A stored column cannot be added
-- by ALTER TABLE, so both read models are rebuilt here with the same rows and indexes.
-- The unit separator (char 31) keeps a search from matching across two fields.
CREATE TABLE rm_contacts_searchable (
    id          INTEGER PRIMARY KEY,
    email       TEXT    NOT NULL,
    first_name  TEXT,
    last_name   TEXT,
    company     TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    search_text TEXT GENERATED ALWAYS AS (lower(email || char(31) || coalesce(first_name, '') || ' '
        || coalesce(last_name, '') || char(31) || coalesce(company, ''))) STORED
) STRICT;
INSERT INTO rm_contacts_searchable (id, email, first_name, last_name, company, created_at, updated_at, version)
    SELECT id, email, first_name, last_name, company, created_at, updated_at, version FROM rm_contacts;
DROP TABLE rm_contacts;
ALTER TABLE rm_contacts_searchable RENAME TO rm_contacts;

CREATE TABLE rm_deals_searchable (
    id            INTEGER PRIMARY KEY,
    title         TEXT    NOT NULL,
    amount        TEXT    NOT NULL,   -- exact decimal text, as given
    amount_units  INTEGER NOT NULL,   -- amount × 10⁴, exact: for ordering and filtering
    currency      TEXT    NOT NULL,
    close_date    TEXT,
    status        TEXT    NOT NULL,
    pipeline_id   INTEGER NOT NULL,
    stage_id      INTEGER NOT NULL,
    custom_fields TEXT    NOT NULL,
    source_id     INTEGER,
    external_id   TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    search_text   TEXT GENERATED ALWAYS AS (lower(title)) STORED
) STRICT;
INSERT INTO rm_deals_searchable (id, title, amount, amount_units, currency, close_date, status, pipeline_id,
        stage_id, custom_fields, source_id, external_id, created_at, updated_at, version)
    SELECT id, title, amount, amount_units, currency, close_date, status, pipeline_id,
        stage_id, custom_fields, source_id, external_id, created_at, updated_at, version FROM rm_deals;
DROP TABLE rm_deals;
ALTER TABLE rm_deals_searchable RENAME TO rm_deals;
CREATE INDEX rm_deals_by_source ON rm_deals (source_id);
CREATE INDEX rm_deals_by_stage_updated ON rm_deals (pipeline_id, stage_id, updated_at);
