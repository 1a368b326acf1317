-- Outbound hooks (SPEC §7): the Mautic webhook entity and a minimal categories table. Every
-- change is also recorded as a hook.* event (without the secret) for the audit trail.

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    alias       TEXT    NOT NULL UNIQUE,
    description TEXT,
    color       TEXT,
    bundle      TEXT    NOT NULL DEFAULT 'Webhook',
    created_by_user TEXT
) STRICT;

CREATE TABLE hooks (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL,
    description        TEXT,
    webhook_url        TEXT    NOT NULL,       -- verbatim, query string included
    secret             TEXT    NOT NULL,
    events_orderby_dir TEXT    CHECK (events_orderby_dir IN ('ASC', 'DESC')),
    is_published       INTEGER NOT NULL CHECK (is_published IN (0, 1)),
    publish_up         INTEGER,                -- UTC microseconds
    publish_down       INTEGER,
    date_added         INTEGER NOT NULL,
    created_by         INTEGER,
    created_by_user    TEXT,
    date_modified      INTEGER,
    modified_by        INTEGER,
    modified_by_user   TEXT,
    category_id        INTEGER REFERENCES categories (id),
    triggers           TEXT    NOT NULL,       -- JSON array, in the order given
    payload_format     TEXT    NOT NULL DEFAULT 'mautic' CHECK (payload_format IN ('mautic', 'slack')),
    signature_format   TEXT    NOT NULL DEFAULT 'mautic' CHECK (signature_format IN ('mautic', 'standard')),
    unpublished_reason TEXT,                   -- why dealflow unpublished it (410, failing streak)
    created_position   INTEGER NOT NULL        -- the log's head at creation: only later events match
) STRICT;
