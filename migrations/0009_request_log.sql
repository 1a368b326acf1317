-- The request log of each inbound source (issue 11): one row per request that reached a known
-- source, kept beside the event log, not in it. Rows hold a reason, never a body or a signature.
-- Version 8, not 7: the source settings of issue 11 (scheme, mapping) are 0007's.
CREATE TABLE inbound_requests (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL,
    received_at     INTEGER NOT NULL, -- UTC microseconds
    status          INTEGER NOT NULL,
    outcome         TEXT    NOT NULL,
    reason          TEXT,
    body_size       INTEGER,
    idempotency_key TEXT,
    deal_id         INTEGER
) STRICT;

CREATE INDEX inbound_requests_by_source ON inbound_requests (source_id, received_at, id);
CREATE INDEX inbound_requests_by_age ON inbound_requests (received_at);
