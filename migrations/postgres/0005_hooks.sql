-- Outbound hooks (SPEC §7), the Mautic webhook entity and a minimal categories table:
-- PostgreSQL's dialect of ../0005_hooks.sql, with the same columns and rules. What differs:
-- BIGINT for INTEGER (is_published stays a 0/1 number, so the same SQL serves both). The
-- application gives every id (a hook's from its sequence, a category's as max(id) + 1): plain
-- primary keys. Every change is also recorded as a hook.* event (without the secret).

CREATE TABLE categories (
    id          BIGINT  PRIMARY KEY,
    title       TEXT    NOT NULL,
    alias       TEXT    NOT NULL UNIQUE,
    description TEXT,
    color       TEXT,
    bundle      TEXT    NOT NULL DEFAULT 'Webhook',
    created_by_user TEXT
);

CREATE TABLE hooks (
    id                 BIGINT  PRIMARY KEY,
    name               TEXT    NOT NULL,
    description        TEXT,
    webhook_url        TEXT    NOT NULL,       -- verbatim, query string included
    secret             TEXT    NOT NULL,
    events_orderby_dir TEXT    CHECK (events_orderby_dir IN ('ASC', 'DESC')),
    is_published       BIGINT  NOT NULL CHECK (is_published IN (0, 1)),
    publish_up         BIGINT,                 -- UTC microseconds
    publish_down       BIGINT,
    date_added         BIGINT  NOT NULL,
    created_by         BIGINT,
    created_by_user    TEXT,
    date_modified      BIGINT,
    modified_by        BIGINT,
    modified_by_user   TEXT,
    category_id        BIGINT  REFERENCES categories (id),
    triggers           TEXT    NOT NULL,       -- JSON array, in the order given
    payload_format     TEXT    NOT NULL DEFAULT 'mautic' CHECK (payload_format IN ('mautic', 'slack')),
    signature_format   TEXT    NOT NULL DEFAULT 'mautic' CHECK (signature_format IN ('mautic', 'standard')),
    unpublished_reason TEXT,                   -- why dealflow unpublished it (410, failing streak)
    created_position   BIGINT  NOT NULL        -- the log's head at creation: only later events match
);
