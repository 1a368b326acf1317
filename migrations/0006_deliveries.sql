-- Outbound delivery (SPEC §7): runtime settings, the queue of events per hook, each hook's retry
-- state and lease, and the log of every attempt.

-- GET|PATCH /api/settings/webhooks; without a row, the configuration's defaults apply.
CREATE TABLE webhook_settings (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    queue_mode         TEXT    NOT NULL CHECK (queue_mode IN ('immediate', 'queue')),
    events_orderby_dir TEXT    NOT NULL CHECK (events_orderby_dir IN ('ASC', 'DESC')),
    batch_limit        INTEGER NOT NULL,
    timeout            INTEGER NOT NULL,
    log_max            INTEGER NOT NULL,
    retry_schedule     TEXT    NOT NULL,      -- JSON array of seconds
    dispatch_schedule  TEXT    NOT NULL,      -- cron expression
    updated_at         INTEGER NOT NULL
) STRICT;

-- An event waiting to be delivered to a hook (deleted once delivered). Kept lean: every event a
-- hook subscribes to passes through it.
CREATE TABLE delivery_items (
    id          INTEGER PRIMARY KEY,
    hook_id     INTEGER NOT NULL,
    position    INTEGER NOT NULL,             -- the event's log position
    event_id    TEXT    NOT NULL,
    trigger     TEXT    NOT NULL,
    payload     TEXT    NOT NULL,             -- the item's JSON, as built when the event was matched
    delivery_id TEXT,                         -- set once part of a batch or of a failed delivery
    created_at  INTEGER NOT NULL,
    UNIQUE (hook_id, position, trigger)       -- also the queue's order
) STRICT;

-- The few items of deliveries formed and not yet delivered.
CREATE INDEX delivery_items_open ON delivery_items (hook_id, delivery_id) WHERE delivery_id IS NOT NULL;

-- Items whose retries were exhausted: listed in health, put back in the queue by a replay.
CREATE TABLE delivery_failed (
    id          INTEGER PRIMARY KEY,
    hook_id     INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    event_id    TEXT    NOT NULL,
    trigger     TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    failed_at   INTEGER NOT NULL,
    UNIQUE (hook_id, position, trigger)
) STRICT;

-- Per hook: the delivery being retried, when it is due, health, and the dispatch lease.
CREATE TABLE hook_delivery_state (
    hook_id         INTEGER PRIMARY KEY,
    retry_delivery  TEXT,                         -- the delivery being retried (sent again first)
    attempt         INTEGER NOT NULL DEFAULT 0,   -- failed attempts of that delivery
    next_attempt_at INTEGER,                      -- UTC microseconds; null: due now
    last_success_at INTEGER,
    failing_since   INTEGER,
    lease_owner     TEXT,
    lease_until     INTEGER
) STRICT;

-- Every attempt, newest kept up to the log_max setting per hook.
CREATE TABLE delivery_log (
    id          INTEGER PRIMARY KEY,
    hook_id     INTEGER NOT NULL,
    delivery_id TEXT    NOT NULL,
    event_ids   TEXT    NOT NULL,             -- JSON array
    attempt     INTEGER NOT NULL,
    status_code INTEGER,                      -- null when no answer came (connection error, timeout)
    runtime_ms  INTEGER NOT NULL,
    note        TEXT,
    is_test     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX delivery_log_by_hook ON delivery_log (hook_id, id);
