-- The command side's own tables, written in the same transaction as the events they go with:
-- PostgreSQL's dialect of ../0003_ingest.sql, with the same columns and rules. What differs:
-- BIGINT for INTEGER (flags stay 0/1 numbers, so the same SQL serves both) and no WITHOUT ROWID
-- (a PostgreSQL table is a heap; its primary key is an index beside it).

-- Inbound sources. Secrets are sealed (ChaCha20-Poly1305) with the master key, which is never
-- in the database; they are never in the event log. The application gives every id.
CREATE TABLE sources (
    id                   BIGINT  PRIMARY KEY,
    name                 TEXT    NOT NULL,
    default_pipeline_id  BIGINT  NOT NULL,
    is_published         BIGINT  NOT NULL CHECK (is_published IN (0, 1)),
    secret               TEXT    NOT NULL,
    previous_secret      TEXT,
    previous_valid_until BIGINT,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL,
    deleted_at           BIGINT
);

-- One contact per email, compared case-insensitively (the key is the lower-cased address).
CREATE TABLE contact_emails (
    email_key  TEXT    PRIMARY KEY,
    contact_id BIGINT  NOT NULL
);

-- The deal a source's external id refers to.
CREATE TABLE deal_external_ids (
    source_id   BIGINT  NOT NULL,
    external_id TEXT    NOT NULL,
    deal_id     BIGINT  NOT NULL,
    PRIMARY KEY (source_id, external_id)
);

-- First answers to inbound requests that carried an Idempotency-Key or webhook-id.
CREATE TABLE idempotency_keys (
    source_id   BIGINT  NOT NULL,
    key         TEXT    NOT NULL,
    body_sha256 TEXT    NOT NULL,
    status      BIGINT  NOT NULL,
    response    TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (source_id, key)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
