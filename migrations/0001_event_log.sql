-- The append-only event log (SPEC §2), id sequences and consumer checkpoints.

CREATE TABLE events (
    position    INTEGER PRIMARY KEY,          -- 1, 2, 3 … in commit order, no gaps
    event_id    TEXT    NOT NULL UNIQUE,      -- UUID v7; a repeated id is an idempotent no-op
    stream      TEXT    NOT NULL,             -- e.g. deal-42
    version     INTEGER NOT NULL CHECK (version > 0),
    type        TEXT    NOT NULL,             -- e.g. deal.stage_changed
    schema      INTEGER NOT NULL CHECK (schema > 0),
    data        TEXT    NOT NULL,             -- JSON object (checked before it reaches the writer)
    metadata    TEXT    NOT NULL,             -- JSON object
    recorded_at INTEGER NOT NULL,             -- UTC microseconds since the Unix epoch
    UNIQUE (stream, version)
) STRICT;

CREATE INDEX events_by_type ON events (type, position);
-- No index on recorded_at: it rises with position, so time ranges are found by binary search on
-- position (every index is one more B-tree insert per event on the writer thread).

CREATE TRIGGER events_reject_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: UPDATE is not allowed');
END;

CREATE TRIGGER events_reject_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: DELETE is not allowed');
END;

-- Ids of pipelines, stages, deals … allocated in commit order.
CREATE TABLE sequences (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;

-- A named consumer's last processed position, written with the consumer's own effects.
CREATE TABLE checkpoints (
    name       TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
