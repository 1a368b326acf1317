-- A text sealed with the master key, so that a node started with another key refuses to start
-- instead of failing every signature later (docs/operations.md).

CREATE TABLE master_key_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    sealed     TEXT    NOT NULL,
    created_at INTEGER NOT NULL   -- UTC microseconds
) STRICT;
