-- The command side's own tables, written in the same transaction as the events they go with.

-- Inbound sources. Secrets are sealed (ChaCha20-Poly1305) with the master key, which is never
-- in the database; they are never in the event log.
CREATE TABLE sources (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL,
    default_pipeline_id  INTEGER NOT NULL,
    is_published         INTEGER NOT NULL CHECK (is_published IN (0, 1)),
    secret               TEXT    NOT NULL,
    previous_secret      TEXT,
    previous_valid_until INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    deleted_at           INTEGER
) STRICT;

-- One contact per email, compared case-insensitively (the key is the lower-cased address).
CREATE TABLE contact_emails (
    email_key  TEXT    PRIMARY KEY,
    contact_id INTEGER NOT NULL
) STRICT;

-- The deal a source's external id refers to.
CREATE TABLE deal_external_ids (
    source_id   INTEGER NOT NULL,
    external_id TEXT    NOT NULL,
    deal_id     INTEGER NOT NULL,
    PRIMARY KEY (source_id, external_id)
) WITHOUT ROWID, STRICT;

-- First answers to inbound requests that carried an Idempotency-Key or webhook-id.
CREATE TABLE idempotency_keys (
    source_id   INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    body_sha256 TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    response    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (source_id, key)
) WITHOUT ROWID, STRICT;

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
