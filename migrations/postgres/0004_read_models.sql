-- Read models (SPEC §6), maintained by the projector from the log: PostgreSQL's dialect of
-- ../0004_read_models.sql, with the same columns and indexes. What differs: BIGINT for INTEGER
-- (`deleted` and `completed` stay 0/1 numbers, so `WHERE deleted = 0` serves both) and no
-- WITHOUT ROWID. Every id comes from the event it was projected from: plain primary keys.
-- Everything here can be dropped and rebuilt with `dealflow projections rebuild`.

CREATE TABLE rm_pipelines (
    id         BIGINT  PRIMARY KEY,
    name       TEXT    NOT NULL,
    deleted    BIGINT  NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    version    BIGINT  NOT NULL
);

CREATE TABLE rm_stages (
    id          BIGINT  PRIMARY KEY,
    pipeline_id BIGINT  NOT NULL,
    name        TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    probability BIGINT  NOT NULL,
    position    BIGINT  NOT NULL
);

CREATE INDEX rm_stages_by_pipeline ON rm_stages (pipeline_id, position);

CREATE TABLE rm_contacts (
    id         BIGINT  PRIMARY KEY,
    email      TEXT    NOT NULL,
    first_name TEXT,
    last_name  TEXT,
    company    TEXT,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    version    BIGINT  NOT NULL
);

CREATE TABLE rm_deals (
    id            BIGINT  PRIMARY KEY,
    title         TEXT    NOT NULL,
    amount        TEXT    NOT NULL,   -- exact decimal text, as given
    amount_units  BIGINT  NOT NULL,   -- amount × 10⁴, exact: for ordering and filtering
    currency      TEXT    NOT NULL,
    close_date    TEXT,
    status        TEXT    NOT NULL,
    pipeline_id   BIGINT  NOT NULL,
    stage_id      BIGINT  NOT NULL,
    custom_fields TEXT    NOT NULL,
    source_id     BIGINT,
    external_id   TEXT,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    version       BIGINT  NOT NULL
);

-- Few indexes: each is another insert per deal. Stage, status and close date filters scan,
-- which is fast at read-model sizes.
CREATE INDEX rm_deals_by_pipeline ON rm_deals (pipeline_id, stage_id);
CREATE INDEX rm_deals_by_source ON rm_deals (source_id);

CREATE TABLE rm_deal_contacts (
    deal_id    BIGINT  NOT NULL,
    contact_id BIGINT  NOT NULL,
    position   BIGINT  NOT NULL,
    PRIMARY KEY (deal_id, contact_id)
);

CREATE INDEX rm_deal_contacts_by_contact ON rm_deal_contacts (contact_id);

CREATE TABLE rm_deal_notes (
    id         BIGINT  PRIMARY KEY,
    deal_id    BIGINT  NOT NULL,
    text       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    created_by TEXT    NOT NULL   -- the actor, as JSON
);

CREATE INDEX rm_deal_notes_by_deal ON rm_deal_notes (deal_id);

CREATE TABLE rm_deal_tasks (
    id           BIGINT  PRIMARY KEY,
    deal_id      BIGINT  NOT NULL,
    title        TEXT    NOT NULL,
    due_date     TEXT,
    completed    BIGINT  NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL,
    completed_at BIGINT
);

CREATE INDEX rm_deal_tasks_by_deal ON rm_deal_tasks (deal_id);

-- Per stage: how many deals and the exact sum of their amounts (decimal text).
CREATE TABLE rm_board (
    stage_id   BIGINT  PRIMARY KEY,
    deal_count BIGINT  NOT NULL,
    amount_sum TEXT    NOT NULL
);
