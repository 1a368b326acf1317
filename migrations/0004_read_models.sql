-- Read models (SPEC §6), maintained by the projector from the log. Everything here can be
-- dropped and rebuilt with `dealflow projections rebuild`.

CREATE TABLE rm_pipelines (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
) STRICT;

CREATE TABLE rm_stages (
    id          INTEGER PRIMARY KEY,
    pipeline_id INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    probability INTEGER NOT NULL,
    position    INTEGER NOT NULL
) STRICT;

CREATE INDEX rm_stages_by_pipeline ON rm_stages (pipeline_id, position);

CREATE TABLE rm_contacts (
    id         INTEGER PRIMARY KEY,
    email      TEXT    NOT NULL,
    first_name TEXT,
    last_name  TEXT,
    company    TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
) STRICT;

CREATE TABLE rm_deals (
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
    version       INTEGER NOT NULL
) STRICT;

-- Few indexes: each is another insert per deal on the writer thread. Stage, status and close
-- date filters scan, which is fast at read-model sizes.
CREATE INDEX rm_deals_by_pipeline ON rm_deals (pipeline_id, stage_id);
CREATE INDEX rm_deals_by_source ON rm_deals (source_id);

CREATE TABLE rm_deal_contacts (
    deal_id    INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (deal_id, contact_id)
) WITHOUT ROWID, STRICT;

CREATE INDEX rm_deal_contacts_by_contact ON rm_deal_contacts (contact_id);

CREATE TABLE rm_deal_notes (
    id         INTEGER PRIMARY KEY,
    deal_id    INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL   -- the actor, as JSON
) STRICT;

CREATE INDEX rm_deal_notes_by_deal ON rm_deal_notes (deal_id);

CREATE TABLE rm_deal_tasks (
    id           INTEGER PRIMARY KEY,
    deal_id      INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    due_date     TEXT,
    completed    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    completed_at INTEGER
) STRICT;

CREATE INDEX rm_deal_tasks_by_deal ON rm_deal_tasks (deal_id);

-- Per stage: how many deals and the exact sum of their amounts (decimal text).
CREATE TABLE rm_board (
    stage_id   INTEGER PRIMARY KEY,
    deal_count INTEGER NOT NULL,
    amount_sum TEXT    NOT NULL
) STRICT;
