-- The append-only event log (SPEC §2), id sequences and consumer checkpoints: PostgreSQL's
-- dialect of ../0001_event_log.sql, with the same columns and the same rules.

CREATE TABLE events (
    position    BIGINT  PRIMARY KEY,          -- 1, 2, 3 … in commit order, no gaps (see log_head)
    event_id    UUID    NOT NULL UNIQUE,      -- UUID v7; a repeated id is an idempotent no-op
    stream      TEXT    NOT NULL,             -- e.g. deal-42
    version     BIGINT  NOT NULL CHECK (version > 0),
    type        TEXT    NOT NULL,             -- e.g. deal.stage_changed
    schema      INTEGER NOT NULL CHECK (schema > 0),
    -- JSON objects as the caller serialised them: TEXT, not jsonb, keeps their exact bytes.
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at BIGINT  NOT NULL,             -- UTC microseconds since the Unix epoch
    UNIQUE (stream, version)
);

CREATE INDEX events_by_type ON events (type, position);

CREATE FUNCTION events_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % is not allowed', TG_OP;
END
$$;

CREATE TRIGGER events_reject_update BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_reject_change();
CREATE TRIGGER events_reject_delete BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_reject_change();
-- TRUNCATE fires no row trigger; SQLite has no TRUNCATE to guard against.
CREATE TRIGGER events_reject_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_reject_change();

-- The one serialised append point: every group commit locks this row (FOR UPDATE) before it
-- numbers its events and holds it until COMMIT, so positions are handed out in commit order.
-- recorded_at is the last event's, so that time rises with position across processes too.
CREATE TABLE log_head (
    id          BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    position    BIGINT  NOT NULL,
    recorded_at BIGINT  NOT NULL
);
INSERT INTO log_head (position, recorded_at) VALUES (0, 0);

-- Ids of pipelines, stages, deals … allocated in commit order.
CREATE TABLE sequences (
    name  TEXT   PRIMARY KEY,
    value BIGINT NOT NULL
);

-- A named consumer's last processed position, written with the consumer's own effects.
CREATE TABLE checkpoints (
    name       TEXT   PRIMARY KEY,
    position   BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
